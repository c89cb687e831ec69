//! Sets a cluster's check and redeploy schedules (blank: none).

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn set_schedule(name: String, check: String, redeploy: String) -> Result<(), ApiError> {
    use engine::commands::ScheduleInput;

    let (engine, caller) = crate::api::door::caller().await?;
    let given = |text: String| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let input = ScheduleInput {
        check: given(check),
        redeploy: given(redeploy),
    };
    crate::api::door::answer(engine.set_schedule(&caller, &name, Ok(input)).await).map(drop)
}

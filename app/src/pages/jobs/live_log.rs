//! Following a job's log in the browser: an `EventSource` on the job's log stream, from
//! the line after the last one shown. The browser reconnects on its own after a network
//! hiccup and sends `Last-Event-ID`, so the server resumes exactly after the last line
//! received. Closed when the job ends or the page goes away.

use engine::model::job::{JobState, LogLine};

/// Calls `on_line` for each new line and `on_end` once when the job ends.
#[cfg(feature = "hydrate")]
pub fn follow(
    job_id: &str,
    after_seq: i64,
    on_line: impl Fn(LogLine) + 'static,
    on_end: impl Fn(JobState) + 'static,
) {
    use std::rc::Rc;

    use leptos::prelude::on_cleanup;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{EventSource, MessageEvent};

    let url = format!("/api/v1/jobs/{job_id}/log?after={after_seq}");
    let Ok(source) = EventSource::new(&url) else {
        return;
    };
    let source = Rc::new(source);
    let line = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(data) = event.data().as_string() else {
            return;
        };
        if let Ok(line) = serde_json::from_str::<LogLine>(&data) {
            on_line(line);
        }
    });
    let ended_source = source.clone();
    let end = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        ended_source.close();
        let state = event
            .data()
            .as_string()
            .and_then(|data| serde_json::from_str::<serde_json::Value>(&data).ok())
            .and_then(|value| serde_json::from_value::<JobState>(value["state"].clone()).ok());
        if let Some(state) = state {
            on_end(state);
        }
    });
    let _ = source.add_event_listener_with_callback("line", line.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("end", end.as_ref().unchecked_ref());
    // The closures live as long as the page shows the job.
    let kept = SendWrapper::new((source, line, end));
    on_cleanup(move || {
        let (source, _line, _end) = kept.take();
        source.close();
    });
}

/// On the server there is nothing to follow: the page renders the stored lines.
#[cfg(not(feature = "hydrate"))]
pub fn follow(
    _job_id: &str,
    _after_seq: i64,
    _on_line: impl Fn(LogLine) + 'static,
    _on_end: impl Fn(JobState) + 'static,
) {
}

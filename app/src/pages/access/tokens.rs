//! The Tokens page (admins): API tokens for automation. A new token's value is shown once,
//! right after it is made; afterwards only its name, role and use are visible.

use engine::model::{
    access::{Role, TokenInfo},
    time::format_utc,
};
use leptos::prelude::*;

use crate::{
    api::access::{list_api_tokens, CreateApiToken, RevokeApiToken},
    api::fetcher::boxed,
    components::common::{
        Button, ButtonTone, ErrorNotice, ItemList, Loaded, PageHeader, FIELD_INLINE,
    },
};

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| boxed(list_api_tokens()),
    );

    view! {
        <PageHeader
            title="API tokens"
            summary="Tokens let scripts and CI use the REST API with a role of their own (Authorization: Bearer TOKEN)."
        />
        <ActionForm action=create attr:class="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <label class="text-xs font-medium text-slate-600 dark:text-slate-400">
                "Name"
                <input name="name" required class=FIELD_INLINE />
            </label>
            <label class="text-xs font-medium text-slate-600 dark:text-slate-400">
                "Role"
                <select name="role" class=FIELD_INLINE>
                    {Role::ALL.iter().map(|role| view! { <option value=role.as_str()>{role.as_str()}</option> }).collect_view()}
                </select>
            </label>
            <Button>"Create token"</Button>
        </ActionForm>
        {move || create.value().get().map(|result| match result {
            Ok(token) => view! {
                <div role="status" class="mb-4 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm dark:border-emerald-800 dark:bg-emerald-950">
                    <p class="font-medium">"Copy the token now: it is not shown again."</p>
                    <code class="mt-2 block break-all font-mono" data-testid="new-token">{token}</code>
                </div>
            }.into_any(),
            Err(error) => view! { <ErrorNotice message=error.to_string() /> }.into_any(),
        })}
        {move || revoke.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Loaded resource=tokens view={move |tokens: Vec<TokenInfo>| if tokens.is_empty() {
            view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No tokens yet."</p> }.into_any()
        } else {
            view! {
                <ItemList>
                    {tokens.into_iter().map(|token| view! { <TokenRow token revoke /> }).collect_view()}
                </ItemList>
            }.into_any()
        }} />
    }
}

#[component]
fn TokenRow(token: TokenInfo, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let used = token.last_used_at.map_or_else(
        || "never used".to_owned(),
        |at| format!("last used {}", format_utc(at)),
    );
    let live = token.revoked_at.is_none();
    let name = token.name.clone();
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 p-4">
            <div>
                <p class="font-mono text-sm font-medium">{token.name}</p>
                <p class="text-sm text-slate-600 dark:text-slate-400">
                    {format!("{} · created by {} on {} · {used}", token.role.as_str(), token.created_by, format_utc(token.created_at))}
                    {(!live).then_some(" · revoked")}
                </p>
            </div>
            {live.then(|| view! {
                <ActionForm action=revoke>
                    <input type="hidden" name="name" value=name />
                    <Button tone=ButtonTone::Danger>"Revoke"</Button>
                </ActionForm>
            })}
        </li>
    }
}

//! Slack's `/deploy` as a trigger (its signature checked by the adapter). A Slack user acts
//! as the nixdeck person they linked, with that person's role as it is now: a person makes
//! a one-time code on their page, and sends `/deploy link <code>`. An unlinked user is told
//! how to link, and nothing runs. A deploy asked from Slack reports how it goes to the
//! command's `response_url`, through the outbox.

use serde_json::json;

use super::{require, Caller};
use crate::{
    access::{actor_of, hash_credential},
    audit,
    clusters::{current, pinned},
    engine::Engine,
    model::{
        access::{Action, Door, Principal, Via},
        failure::{Failure, FailureKind},
        job::{JobKind, JobParams, JobState, Trigger},
        slack::{
            parse_command, SlackCommand, LINK_CODE_ALPHABET, LINK_CODE_LENGTH, LINK_CODE_TTL_MS,
            USAGE,
        },
    },
    store::{now_millis, outbox, slack, users, Tx},
};

/// Slack takes at most five posts to one `response_url` in thirty minutes.
const MAX_POSTS: i64 = 5;
const POST_WINDOW_MS: i64 = 30 * 60 * 1000;
/// The outbox kind of a post to a command's `response_url`.
pub const SLACK_RESPONSE: &str = "slack-response";

/// A `/deploy` command as Slack sends it (the fields nixdeck reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackRequest {
    pub team_id: String,
    pub user_id: String,
    pub user_name: String,
    pub text: String,
    /// Where later messages about the command go (checked by the adapter).
    pub response_url: String,
    pub source_addr: Option<String>,
}

impl Engine {
    /// A one-time code that links the Slack user who sends it to the caller, for ten
    /// minutes. Only a person signed in as themselves makes one.
    pub async fn create_slack_link(&self, caller: &Caller) -> Result<String, Failure> {
        require(caller, Action::Read)?;
        let Some(user_id) = caller
            .principal
            .user_id
            .clone()
            .filter(|_| caller.is_person())
        else {
            return Err(Failure::new(
                FailureKind::Forbidden,
                "only a person signed in as themselves links a Slack user (a token cannot)",
            ));
        };
        let code = new_code()?;
        let now = now_millis();
        let mut tx = self.store().begin().await?;
        slack::insert_code(
            &mut tx,
            &hash_credential(&code),
            &user_id,
            now + LINK_CODE_TTL_MS,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            caller.event(
                "slack.link_code_created",
                format!("user:{user_id}"),
                json!({}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(code)
    }

    /// Answers a `/deploy` command: the text of the ephemeral reply. Refusals are replies
    /// too (Slack shows them to the person who typed the command).
    pub async fn slack_command(&self, request: SlackRequest) -> Result<String, Failure> {
        let command = match parse_command(&request.text) {
            Ok(command) => command,
            Err(problem) => {
                self.refuse_slack_command(&request, &problem).await?;
                return Ok(format!("{problem}\n{USAGE}"));
            }
        };
        if command == SlackCommand::Help {
            return Ok(USAGE.to_owned());
        }
        if let SlackCommand::Link { code } = &command {
            return self.link_slack_user(&request, code).await;
        }
        let caller = match self.slack_person_of(&request).await? {
            SlackPerson::Acting(caller) => caller,
            SlackPerson::SignedOut(_) => {
                self.refuse_slack_command(&request, "the linked person has no live session")
                    .await?;
                return Ok(
                    "Sign in to nixdeck first, so nothing ran: /deploy acts as you only \
                           while you are signed in there (which ends if you leave the \
                           organisation)."
                        .to_owned(),
                );
            }
            SlackPerson::Unlinked => {
                self.refuse_slack_command(&request, "the Slack user is not linked")
                    .await?;
                return Ok(format!(
                    "Your Slack user is not linked to a nixdeck person yet, so nothing ran. In \
                 nixdeck, make a link code on your page (or `POST /api/v1/me/slack-link`), \
                 then send `/deploy link <code>` here.\n{USAGE}"
                ));
            }
        };
        let outcome = match command {
            SlackCommand::Status { cluster } => self.slack_status(&caller, &cluster).await,
            SlackCommand::Deploy { cluster, versions } => {
                self.slack_deploy(&caller, &request, &cluster, &versions)
                    .await
            }
            SlackCommand::Help | SlackCommand::Link { .. } => Ok(USAGE.to_owned()),
        };
        // A refusal is the answer the person reads, with the reason.
        outcome.or_else(|failure| match failure.kind {
            FailureKind::Internal => Err(failure),
            _ => Ok(format!("Refused: {}", failure.message)),
        })
    }

    /// Records, once, a command nixdeck would not act on: who sent it and why.
    async fn refuse_slack_command(
        &self,
        request: &SlackRequest,
        reason: &str,
    ) -> Result<(), Failure> {
        let caller = match self.slack_person_of(request).await? {
            SlackPerson::Acting(person) | SlackPerson::SignedOut(person) => person,
            SlackPerson::Unlinked => slack_stranger(request),
        };
        let mut tx = self.store().begin().await?;
        audit::record(
            &mut tx,
            caller.event(
                "slack.command_refused",
                format!("slack:{}/{}", request.team_id, request.user_id),
                json!({ "reason": reason }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn link_slack_user(&self, request: &SlackRequest, code: &str) -> Result<String, Failure> {
        let now = now_millis();
        let mut tx = self.store().begin().await?;
        let Some(user_id) = slack::take_code(&mut tx, &hash_credential(code), now).await? else {
            tx.commit().await?;
            return Ok(
                "That code is unknown or expired (a code works once, for ten minutes): make \
                 another on your page in nixdeck."
                    .to_owned(),
            );
        };
        slack::link(&mut tx, &request.team_id, &request.user_id, &user_id, now).await?;
        let user = users::find_in(&mut tx, &user_id).await?;
        let caller = slack_person(&user, request);
        audit::record(
            &mut tx,
            caller.event(
                "slack.linked",
                format!("user:{user_id}"),
                json!({ "slack_team": request.team_id, "slack_user": request.user_id,
                        "slack_name": request.user_name }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(format!(
            "Linked: here you act as {} ({}).",
            caller.actor(),
            caller.principal.role
        ))
    }

    /// Who a Slack user is here. They act as the person they linked, with that person's
    /// role, only while the person has a live session: a session is what the provider's
    /// membership is re-checked through, and it ends when they leave the organisation.
    async fn slack_person_of(&self, request: &SlackRequest) -> Result<SlackPerson, Failure> {
        let Some(user_id) =
            slack::person_of(self.store(), &request.team_id, &request.user_id).await?
        else {
            return Ok(SlackPerson::Unlinked);
        };
        let user = users::find(self.store(), &user_id).await?;
        let caller = slack_person(&user, request);
        if users::has_live_session(self.store(), &user_id, now_millis()).await? {
            Ok(SlackPerson::Acting(caller))
        } else {
            Ok(SlackPerson::SignedOut(caller))
        }
    }

    async fn slack_status(&self, caller: &Caller, cluster: &str) -> Result<String, Failure> {
        let view = self.cluster(caller, cluster).await?;
        let jobs = self.jobs(caller, Some(cluster), None, 1).await?;
        let public = &self.delivery().public_url;
        let mut text = format!(
            "*{cluster}* ({}): {}{}. <{public}/clusters/{cluster}|Open in nixdeck>",
            view.args.env,
            view.state,
            view.last_error
                .as_deref()
                .map(|e| format!(" (last error: {e})"))
                .unwrap_or_default()
        );
        if let Some(job) = jobs.first() {
            text.push_str(&format!(
                "\nLast job: {} {}, asked by {} via {}. <{public}/jobs/{}|Its log>",
                job.kind, job.state, job.requested_by, job.trigger, job.id
            ));
        }
        Ok(text)
    }

    async fn slack_deploy(
        &self,
        caller: &Caller,
        request: &SlackRequest,
        cluster: &str,
        versions: &[(String, String)],
    ) -> Result<String, Failure> {
        let mut tx = self.store().begin().await?;
        let view = current(&mut tx, cluster).await?;
        let kind = if view.on_deployer {
            JobKind::Deploy
        } else {
            JobKind::Create
        };
        require(caller, kind.action(view.args.env))?;
        let mut overrides: Vec<(String, String)> = view.versions.clone().into_iter().collect();
        overrides.extend(versions.iter().cloned());
        let params = JobParams {
            args: view.args.clone(),
            versions: pinned(&overrides)?,
        };
        let (row, steps, mut detail) = self.cluster_job(caller, &view, kind, Some(params), None)?;
        detail["slack_user"] = json!(request.user_id);
        slack::set_response_url(&mut tx, &row.id, &request.response_url, now_millis()).await?;
        let job = self
            .enqueue(
                tx,
                caller,
                row,
                &steps,
                format!("cluster:{cluster}"),
                detail,
            )
            .await?;
        let link = format!("{}/jobs/{}", self.delivery().public_url, job.id);
        Ok(match job.state {
            JobState::AwaitingApproval => format!(
                "The {kind} of {cluster} waits for another admin's approval (production): <{link}|the job>."
            ),
            _ => format!("The {kind} of {cluster} is queued: <{link}|follow its log>."),
        })
    }

    /// Tells the Slack command a job came from how it goes, within Slack's limit on posts.
    pub(crate) async fn report_to_slack(
        &self,
        tx: &mut Tx,
        job: &crate::store::jobs::JobRow,
        state: JobState,
        error: Option<&str>,
    ) -> Result<(), Failure> {
        let Some(url) = slack::response_url_of(tx, &job.id).await? else {
            return Ok(());
        };
        let stream = format!("slack:{}", job.id);
        let now = now_millis();
        if slack::posts_since(tx, &stream, now - POST_WINDOW_MS).await? >= MAX_POSTS {
            return Ok(());
        }
        let link = format!("{}/jobs/{}", self.delivery().public_url, job.id);
        let what = format!("The {} of {}", job.kind, job.cluster);
        let text = match (state, error) {
            // The command's own reply said it was queued, or waits for approval.
            (JobState::AwaitingApproval | JobState::Queued, _) => return Ok(()),
            (JobState::Running, _) => format!("{what} started: <{link}|follow its log>."),
            (JobState::Succeeded, _) => format!("{what} succeeded: <{link}|its log>."),
            (_, Some(error)) => format!("{what} {state}: {error}. <{link}|Its log>."),
            (_, None) => format!("{what} {state}. <{link}|Its log>."),
        };
        let payload = json!({ "url": url, "text": text }).to_string();
        outbox::insert(tx, &outbox::message(stream, SLACK_RESPONSE, payload, now)).await?;
        Ok(())
    }
}

/// Who sent a command, as far as nixdeck knows.
enum SlackPerson {
    Unlinked,
    /// Linked, but without a live session: they may not act now.
    SignedOut(Caller),
    Acting(Caller),
}

/// A person acting from Slack: who they are and their role now; their jobs say Slack, and
/// which Slack user.
fn slack_person(user: &crate::store::users::UserRow, request: &SlackRequest) -> Caller {
    Caller {
        principal: Principal {
            user_id: Some(user.id.clone()),
            actor: actor_of(user),
            login: user.login.clone(),
            name: user.name.clone(),
            role: user.role,
            via: Via::Token,
        },
        door: Door::Webhook,
        source_addr: request.source_addr.clone(),
        trigger: Trigger::Slack,
        trigger_ref: Some(format!(
            "{}/{} (@{})",
            request.team_id, request.user_id, request.user_name
        )),
    }
}

/// A Slack user nixdeck does not know.
fn slack_stranger(request: &SlackRequest) -> Caller {
    Caller {
        principal: Principal {
            user_id: None,
            actor: "webhook:slack".to_owned(),
            login: request.user_name.clone(),
            name: request.user_name.clone(),
            role: crate::model::access::Role::Viewer,
            via: Via::Token,
        },
        door: Door::Webhook,
        source_addr: request.source_addr.clone(),
        trigger: Trigger::Slack,
        trigger_ref: Some(format!("{}/{}", request.team_id, request.user_id)),
    }
}

/// A random code; bytes past the last whole multiple of the alphabet are drawn again, so
/// every character is as likely as the others.
fn new_code() -> Result<String, Failure> {
    let size = LINK_CODE_ALPHABET.len();
    let usable = 256 - 256 % size;
    let mut code = String::with_capacity(LINK_CODE_LENGTH);
    while code.len() < LINK_CODE_LENGTH {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|error| {
            tracing::error!(%error, "no randomness for a link code");
            Failure::internal()
        })?;
        for byte in bytes
            .iter()
            .map(|b| usize::from(*b))
            .filter(|b| *b < usable)
        {
            if code.len() < LINK_CODE_LENGTH {
                code.push(char::from(LINK_CODE_ALPHABET[byte % size]));
            }
        }
    }
    Ok(code)
}

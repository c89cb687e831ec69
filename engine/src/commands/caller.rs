//! Who asks, how they came in, and from where: what every command decides with and the
//! audit log records.

use serde_json::{Map, Value};

use crate::{
    audit::NewAuditEvent,
    model::{
        access::{Action, Door, Principal, Role, Via},
        job::Trigger,
    },
};

/// The actor nixdeck records for what it does itself.
pub const SYSTEM_ACTOR: &str = "nixdeck";
/// The actor recorded for the command line on the server.
const CLI_ACTOR: &str = "cli";

#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub door: Door,
    pub source_addr: Option<String>,
    /// What the jobs this caller asks for record as where they came from, and what it
    /// names (a GitHub deployment, a Slack user).
    pub trigger: Trigger,
    pub trigger_ref: Option<String>,
}

impl Caller {
    /// A signed-in person or a token, as the HTTP layer established it; their jobs come
    /// from the dashboard unless the adapter says otherwise (`with_trigger`).
    pub fn from_request(principal: Principal, source_addr: Option<String>) -> Caller {
        let door = match principal.via {
            Via::Session => Door::Session,
            Via::Token => Door::Token,
        };
        Caller {
            principal,
            door,
            source_addr,
            trigger: Trigger::Ui,
            trigger_ref: None,
        }
    }

    /// The same caller, its jobs recorded as coming from `trigger` (naming `reference`).
    pub fn with_trigger(self, trigger: Trigger, reference: Option<String>) -> Caller {
        Caller {
            trigger,
            trigger_ref: reference,
            ..self
        }
    }

    /// Whoever runs `nixdeck` on the server with its configuration: trusted as an admin.
    pub fn cli() -> Caller {
        Caller::built_in(CLI_ACTOR, Door::Cli, Trigger::Cli)
    }

    /// nixdeck itself (the worker finishing a job, a re-check ending a session, a job
    /// expiring).
    pub fn system() -> Caller {
        Caller::built_in(SYSTEM_ACTOR, Door::Worker, Trigger::Schedule)
    }

    /// Whether this caller is a person acting themselves (signed in), rather than a token,
    /// the command line or nixdeck: only a person may approve.
    pub fn is_person(&self) -> bool {
        self.principal.via == Via::Session && self.principal.user_id.is_some()
    }

    fn built_in(actor: &str, door: Door, trigger: Trigger) -> Caller {
        Caller {
            principal: Principal {
                user_id: None,
                actor: actor.to_owned(),
                login: actor.to_owned(),
                name: actor.to_owned(),
                role: Role::Admin,
                via: Via::Token,
            },
            door,
            source_addr: None,
            trigger,
            trigger_ref: None,
        }
    }

    pub fn actor(&self) -> &str {
        &self.principal.actor
    }

    pub fn may(&self, action: Action) -> bool {
        self.principal.may(action)
    }

    /// An audit event by this caller; `details` (a JSON object) gets the way in as `via`.
    pub(crate) fn event(&self, action: &str, target: String, details: Value) -> NewAuditEvent {
        let mut details = match details {
            Value::Object(map) => map,
            other => Map::from_iter([("value".to_owned(), other)]),
        };
        details.insert("via".to_owned(), Value::from(self.door.as_str()));
        NewAuditEvent {
            actor: self.principal.actor.clone(),
            action: action.to_owned(),
            target,
            details: Value::Object(details),
            source_addr: self.source_addr.clone(),
        }
    }
}

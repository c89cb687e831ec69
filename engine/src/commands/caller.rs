//! Who asks, how they came in, and from where: what every command decides with and the
//! audit log records.

use serde_json::{Map, Value};

use crate::{
    audit::NewAuditEvent,
    model::access::{Action, Door, Principal, Role, Via},
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
}

impl Caller {
    /// A signed-in person or a token, as the HTTP layer established it.
    pub fn from_request(principal: Principal, source_addr: Option<String>) -> Caller {
        let door = match principal.via {
            Via::Session => Door::Session,
            Via::Token => Door::Token,
        };
        Caller {
            principal,
            door,
            source_addr,
        }
    }

    /// Whoever runs `nixdeck` on the server with its configuration: trusted as an admin.
    pub fn cli() -> Caller {
        Caller::built_in(CLI_ACTOR, Door::Cli)
    }

    /// nixdeck itself (the worker finishing a job, a re-check ending a session).
    pub fn system() -> Caller {
        Caller::built_in(SYSTEM_ACTOR, Door::Worker)
    }

    fn built_in(actor: &str, door: Door) -> Caller {
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

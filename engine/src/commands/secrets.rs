//! Secret commands: what the Secrets page shows (never a value), and the admin's reveal,
//! edit, generate and roll back. A change to a secret is made in AWS, so it cannot share a
//! transaction with its audit event; instead it is claimed first (a row that keeps a second
//! change to the same secret out, on every replica, and carries the audit event), made in
//! AWS, and then recorded and released in one transaction. A claim left behind by a crash
//! expires, and whoever finds it records its event if AWS holds the change.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use serde_json::{json, Map, Value};

use super::{require, Caller};
use crate::{
    audit::{self, NewAuditEvent},
    cloud::{Cloud, SecretDocument, SecretText},
    engine::Engine,
    model::{
        access::{Action, Environment},
        failure::Failure,
        secrets::{
            key_states, secret_id, validate_edit, SecretEdit, SecretKind, SecretValue, SecretView,
            ValueShape,
        },
    },
    store::{
        audit_events, clusters, now_millis, secret_writes, secret_writes::SecretWriteRow,
        StoreError,
    },
};

/// The audit action of a change that reads nothing: revealing a value.
const REVEALED: &str = "secret.revealed";
const ROLLED_BACK: &str = "secret.rolled_back";

/// A secret named by the path of a request: `/{env}/{kind}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretRef {
    pub env: Environment,
    pub kind: SecretKind,
}

impl SecretRef {
    /// Reads the two path segments; anything else is not a secret nixdeck knows.
    pub fn parse(env: &str, kind: &str) -> Result<SecretRef, Failure> {
        let env =
            Environment::parse(env).map_err(|why| Failure::not_found(format!("env: {why}")))?;
        let kind =
            SecretKind::parse(kind).map_err(|why| Failure::not_found(format!("kind: {why}")))?;
        Ok(SecretRef { env, kind })
    }

    pub fn id(self) -> String {
        secret_id(self.env, self.kind)
    }

    fn target(self) -> String {
        format!("secret:{}", self.id())
    }
}

impl Engine {
    fn cloud(&self) -> Result<&Cloud, Failure> {
        self.cloud_config().ok_or_else(super::cloud::no_aws)
    }

    /// Every secret nixdeck manages (each environment and kind), without values.
    pub async fn secrets(&self, caller: &Caller) -> Result<Vec<SecretView>, Failure> {
        require(caller, Action::Read)?;
        let [a, b, c, d] = [
            (Environment::Staging, SecretKind::Cluster),
            (Environment::Staging, SecretKind::Buildkite),
            (Environment::Production, SecretKind::Cluster),
            (Environment::Production, SecretKind::Buildkite),
        ]
        .map(|(env, kind)| self.secret_view(SecretRef { env, kind }));
        // At once, so a silent AWS costs one timeout, not four.
        let (a, b, c, d) = tokio::try_join!(a, b, c, d)?;
        Ok(vec![a, b, c, d])
    }

    /// One secret's metadata: keys (set, missing, unknown), versions, who changed it.
    pub async fn secret(&self, caller: &Caller, secret: SecretRef) -> Result<SecretView, Failure> {
        require(caller, Action::Read)?;
        self.secret_view(secret).await
    }

    async fn secret_view(&self, secret: SecretRef) -> Result<SecretView, Failure> {
        let store = &self.cloud()?.secrets;
        let id = secret.id();
        let (listing, document) = tokio::try_join!(store.versions(&id), store.read(&id))?;
        let stored_keys = match &document {
            Some(document) => object_of(document)?.keys().cloned().collect(),
            None => Vec::new(),
        };
        let change =
            audit_events::last_change_of(self.store(), &secret.target(), "secret", REVEALED)
                .await?;
        let clusters = match secret.kind {
            SecretKind::Cluster => clusters::list(self.store())
                .await?
                .into_iter()
                .filter(|row| row.env == secret.env)
                .map(|row| row.name)
                .collect(),
            SecretKind::Buildkite => Vec::new(),
        };
        Ok(SecretView {
            exists: listing.is_some(),
            current_version: listing
                .as_ref()
                .and_then(|l| l.current().map(str::to_owned)),
            keys: key_states(secret.kind, stored_keys.iter().map(String::as_str)),
            versions: listing.map(|l| l.versions).unwrap_or_default(),
            changed_by: change.as_ref().map(|row| row.actor.clone()),
            changed_at: change.map(|row| row.created_at),
            clusters,
            id,
            env: secret.env,
            kind: secret.kind,
        })
    }

    /// One key's value of the current version, for an admin who asked for it; audited
    /// before it is handed out.
    pub async fn reveal_secret(
        &self,
        caller: &Caller,
        secret: SecretRef,
        key: &str,
    ) -> Result<SecretValue, Failure> {
        require(caller, Action::ReadSecretValues)?;
        if key.is_empty() {
            return Err(Failure::invalid("key", "name the key to reveal"));
        }
        let id = secret.id();
        let document = self
            .cloud()?
            .secrets
            .read(&id)
            .await?
            .ok_or_else(|| Failure::not_found(format!("the secret {id} does not exist")))?;
        let object = object_of(&document)?;
        let Some(value) = object.get(key) else {
            return Err(if secret.kind.key(key).is_some() {
                Failure::not_found(format!("{key} is not set in {id}"))
            } else {
                Failure::invalid("key", format!("{key:?} is not a key of {id}"))
            });
        };
        let value = match value {
            Value::String(text) => SecretValue::Text(text.clone()),
            Value::Object(map) => SecretValue::Keys(
                map.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                        )
                    })
                    .collect(),
            ),
            other => SecretValue::Text(other.to_string()),
        };
        let mut tx = self.store().begin().await?;
        audit::record(
            &mut tx,
            caller.event(
                REVEALED,
                secret.target(),
                json!({ "secret": id, "key": key, "version": document.version_id }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(value)
    }

    /// Sets some keys, keeping the others, as a new version; `edit.base_version` must be
    /// the current version (or `None` for a secret that does not exist yet). Returns the new
    /// version's id.
    pub async fn edit_secret(
        &self,
        caller: &Caller,
        secret: SecretRef,
        edit: &SecretEdit,
    ) -> Result<String, Failure> {
        require(caller, Action::WriteSecrets)?;
        validate_edit(secret.kind, edit)?;
        let action = if edit.base_version.is_none() {
            "secret.created"
        } else {
            "secret.changed"
        };
        let keys: Vec<&String> = edit.values.keys().collect();
        let details = json!({ "secret": secret.id(), "keys": keys });
        let values = edit
            .values
            .iter()
            .map(|(key, value)| (key.clone(), value_json(value)))
            .collect::<Vec<_>>();
        self.write_secret(
            caller,
            secret,
            action,
            details,
            |current| match (current, &edit.base_version) {
                (None, None) => Ok(()),
                (Some(current), Some(base)) if current.version_id == *base => Ok(()),
                (None, Some(base)) => Err(Failure::conflict_on(
                    "base_version",
                    format!("the secret does not exist, so it has no version {base}"),
                )),
                (Some(current), base) => Err(Failure::conflict_on(
                    "base_version",
                    format!(
                        "the secret changed since you read it: its current version is {}, not {}; \
                         reload it and make your change again",
                        current.version_id,
                        base.as_deref().unwrap_or("none (it did not exist)")
                    ),
                )),
            },
            values,
        )
        .await
    }

    /// Makes a new random value for a key that nixdeck generates (`CommitteeSecret`: 32
    /// bytes from the OS, base64); the value is shown only if revealed.
    pub async fn generate_secret(
        &self,
        caller: &Caller,
        secret: SecretRef,
        key: &str,
    ) -> Result<String, Failure> {
        require(caller, Action::WriteSecrets)?;
        match secret.kind.key(key) {
            Some(spec) if spec.generated && spec.shape == ValueShape::Text => {}
            _ => {
                let generated: Vec<&str> = secret
                    .kind
                    .keys()
                    .iter()
                    .filter(|spec| spec.generated)
                    .map(|spec| spec.name)
                    .collect();
                return Err(Failure::invalid(
                    "key",
                    if generated.is_empty() {
                        format!("nixdeck generates no key of the {} secret", secret.kind)
                    } else {
                        format!("{key:?} cannot be generated: use {}", generated.join(", "))
                    },
                ));
            }
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| {
            tracing::error!(%error, "the OS gave no random bytes");
            Failure::internal()
        })?;
        let value = Value::String(STANDARD.encode(bytes));
        let details = json!({ "secret": secret.id(), "key": key });
        self.write_secret(
            caller,
            secret,
            "secret.generated",
            details,
            |_| Ok(()),
            vec![(key.to_owned(), value)],
        )
        .await
    }

    /// Makes a previous version current again.
    pub async fn roll_back_secret(
        &self,
        caller: &Caller,
        secret: SecretRef,
        version_id: &str,
    ) -> Result<String, Failure> {
        require(caller, Action::WriteSecrets)?;
        if version_id.trim().is_empty() {
            return Err(Failure::invalid(
                "version_id",
                "name the version to make current",
            ));
        }
        let store = &self.cloud()?.secrets;
        let id = secret.id();
        let claim = self
            .claim_secret(
                caller,
                secret,
                version_id,
                ROLLED_BACK,
                json!({ "secret": id, "to": version_id }),
            )
            .await?;
        let mut writing = false;
        let outcome = async {
            let listing = store
                .versions(&id)
                .await?
                .ok_or_else(|| Failure::not_found(format!("the secret {id} does not exist")))?;
            if !listing.versions.iter().any(|v| v.id == version_id) {
                return Err(Failure::not_found(format!(
                    "version_id: {id} has no version {version_id:?}"
                )));
            }
            let current = listing.current().map(str::to_owned);
            match current {
                Some(current) if current == version_id => Ok(false),
                Some(current) => {
                    writing = true;
                    store.make_current(&id, version_id, &current).await?;
                    Ok(true)
                }
                None => Err(Failure::conflict(
                    "the secret has no current version to replace",
                )),
            }
        }
        .await;
        match outcome {
            Ok(changed) => {
                self.settle_claim(&claim, changed).await?;
                Ok(version_id.to_owned())
            }
            Err(failure) => {
                self.abandon_claim(&claim, writing, &failure).await;
                Err(failure)
            }
        }
    }

    /// The common path of every write of values: claim, read the current version, check it
    /// with `check`, set `values` over it, write a new version, record and release.
    async fn write_secret(
        &self,
        caller: &Caller,
        secret: SecretRef,
        action: &str,
        details: Value,
        check: impl FnOnce(Option<&SecretDocument>) -> Result<(), Failure>,
        values: Vec<(String, Value)>,
    ) -> Result<String, Failure> {
        let store = &self.cloud()?.secrets;
        let id = secret.id();
        // The new version's id is its ClientRequestToken: the SDK's own retries of the
        // write reuse it, so a retried request makes no second version.
        let token = uuid::Uuid::new_v4().to_string();
        let claim = self
            .claim_secret(caller, secret, &token, action, details)
            .await?;
        let mut writing = false;
        let outcome = async {
            let current = store.read(&id).await?;
            check(current.as_ref())?;
            let mut object = match &current {
                Some(document) => object_of(document)?,
                None => Map::new(),
            };
            object.extend(values);
            let text = SecretText::new(Value::Object(object).to_string());
            writing = true;
            match current {
                Some(_) => store.put(&id, &text, &token).await?,
                None => store.create(&id, &text, &token).await?,
            }
            Ok::<(), Failure>(())
        }
        .await;
        match outcome {
            Ok(()) => {
                self.settle_claim(&claim, true).await?;
                Ok(token)
            }
            Err(failure) => {
                self.abandon_claim(&claim, writing, &failure).await;
                Err(failure)
            }
        }
    }

    /// Claims `secret` for a change that will make `version_id`, carrying the audit event
    /// to record when it is done. A claim whose holder is gone (expired) is settled first.
    async fn claim_secret(
        &self,
        caller: &Caller,
        secret: SecretRef,
        version_id: &str,
        action: &str,
        details: Value,
    ) -> Result<SecretWriteRow, Failure> {
        let id = secret.id();
        let event = caller.event(action, secret.target(), details);
        let now = now_millis();
        let row = SecretWriteRow {
            secret_id: id.clone(),
            version_id: version_id.to_owned(),
            event: serde_json::to_string(&event)
                .map_err(|e| super::unreadable("audit event", &e))?,
            started_at: now,
            expires_at: now + self.cloud()?.claim_millis,
        };
        let mut tx = self.store().begin().await?;
        if let Some(held) = secret_writes::find(&mut tx, &id).await? {
            if held.expires_at > now {
                return Err(Failure::conflict(format!(
                    "another change to {id} is in progress; try again in a moment"
                )));
            }
            drop(tx);
            self.settle_expired(&held).await?;
            tx = self.store().begin().await?;
        }
        secret_writes::insert(&mut tx, &row)
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => Failure::conflict(format!(
                    "another change to {id} is in progress; try again in a moment"
                )),
                other => other.into(),
            })?;
        tx.commit().await?;
        Ok(row)
    }

    /// Records the claim's audit event (when something changed) and lets the claim go.
    async fn settle_claim(&self, claim: &SecretWriteRow, changed: bool) -> Result<(), Failure> {
        let mut tx = self.store().begin().await?;
        if secret_writes::delete(&mut tx, &claim.secret_id, &claim.version_id).await? && changed {
            audit::record(&mut tx, event_of(claim, None)?).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A change that failed. When the write itself went unanswered (`writing` and a
    /// timeout), AWS may still have made it: the claim stays until it expires and is settled
    /// by whoever finds it. Otherwise nothing was written and the claim goes.
    async fn abandon_claim(&self, claim: &SecretWriteRow, writing: bool, failure: &Failure) {
        use crate::model::failure::FailureKind;
        if writing && failure.kind == FailureKind::UpstreamTimeout {
            return;
        }
        let released = async {
            let mut tx = self.store().begin().await?;
            secret_writes::delete(&mut tx, &claim.secret_id, &claim.version_id).await?;
            tx.commit().await
        }
        .await;
        if let Err(error) = released {
            tracing::warn!(%error, secret = claim.secret_id, "could not release a secret claim; it will expire");
        }
    }

    /// Settles a claim whose holder is gone: if AWS holds its change, its event is recorded
    /// (marked as recorded late); either way the claim goes.
    async fn settle_expired(&self, held: &SecretWriteRow) -> Result<(), Failure> {
        let listing = self.cloud()?.secrets.versions(&held.secret_id).await?;
        let event: NewAuditEvent = serde_json::from_str(&held.event)
            .map_err(|e| super::unreadable("a pending secret change", &e))?;
        let happened = listing.is_some_and(|listing| {
            if event.action == ROLLED_BACK {
                listing.current() == Some(held.version_id.as_str())
            } else {
                listing.versions.iter().any(|v| v.id == held.version_id)
            }
        });
        let mut tx = self.store().begin().await?;
        if secret_writes::delete(&mut tx, &held.secret_id, &held.version_id).await? && happened {
            audit::record(&mut tx, event_of(held, Some(held.started_at))?).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The claim's audit event; `late_since` marks one recorded after its holder was gone.
fn event_of(claim: &SecretWriteRow, late_since: Option<i64>) -> Result<NewAuditEvent, Failure> {
    let mut event: NewAuditEvent = serde_json::from_str(&claim.event)
        .map_err(|e| super::unreadable("a pending secret change", &e))?;
    if let (Some(started_at), Value::Object(details)) = (late_since, &mut event.details) {
        details.insert("recorded_late".to_owned(), Value::Bool(true));
        details.insert("started_at".to_owned(), Value::from(started_at));
    }
    if let Value::Object(details) = &mut event.details {
        details.insert("version".to_owned(), Value::from(claim.version_id.clone()));
    }
    Ok(event)
}

/// A version's value as the JSON object it must be. The error never quotes the value.
fn object_of(document: &SecretDocument) -> Result<Map<String, Value>, Failure> {
    match serde_json::from_str::<Value>(document.text.expose()) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Failure::conflict(format!(
            "version {} of this secret is not a JSON object; fix it in AWS first",
            document.version_id
        ))),
    }
}

fn value_json(value: &SecretValue) -> Value {
    match value {
        SecretValue::Text(text) => Value::String(text.clone()),
        SecretValue::Keys(keys) => Value::Object(
            keys.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_envs_and_kinds_are_not_found() {
        assert!(SecretRef::parse("staging", "cluster").is_ok());
        let kind = SecretRef::parse("staging", "aws").unwrap_err();
        assert_eq!(kind.kind, crate::model::failure::FailureKind::NotFound);
        assert!(kind.message.contains("cluster, buildkite"), "{kind:?}");
        assert!(SecretRef::parse("dev", "cluster").is_err());
    }
}

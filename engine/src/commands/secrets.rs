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
    pub async fn secret(
        &self,
        caller: &Caller,
        env: &str,
        kind: &str,
    ) -> Result<SecretView, Failure> {
        require(caller, Action::Read)?;
        self.secret_view(SecretRef::parse(env, kind)?).await
    }

    async fn secret_view(&self, secret: SecretRef) -> Result<SecretView, Failure> {
        let store = &self.cloud()?.secrets;
        let id = secret.id();
        let (listing, document) = tokio::try_join!(store.versions(&id), store.read(&id))?;
        let (stored_keys, problem) = match document.as_ref().map(object_of) {
            Some(Ok(object)) => (object.keys().cloned().collect(), None),
            Some(Err(failure)) => (Vec::new(), Some(failure.message)),
            None => (Vec::new(), None),
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
            problem,
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
    /// before it is handed out. `key` is the request's, or why it could not be read.
    pub async fn reveal_secret(
        &self,
        caller: &Caller,
        env: &str,
        kind: &str,
        key: Result<String, Failure>,
    ) -> Result<SecretValue, Failure> {
        require(caller, Action::ReadSecretValues)?;
        let secret = SecretRef::parse(env, kind)?;
        let key = key?;
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
        let Some(value) = object.get(&key) else {
            return Err(if secret.kind.key(&key).is_some() {
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
    /// the current version (or `None` for a secret that does not exist yet). `edit` is the
    /// request's, or why it could not be read. Returns the new version's id.
    pub async fn edit_secret(
        &self,
        caller: &Caller,
        env: &str,
        kind: &str,
        edit: Result<SecretEdit, Failure>,
    ) -> Result<String, Failure> {
        require(caller, Action::WriteSecrets)?;
        let secret = SecretRef::parse(env, kind)?;
        let edit = edit?;
        validate_edit(secret.kind, &edit)?;
        let action = if edit.base_version.is_none() {
            "secret.created"
        } else {
            "secret.changed"
        };
        let keys: Vec<&String> = edit.values.keys().collect();
        let write = ValuesWrite {
            secret,
            action,
            details: json!({ "secret": secret.id(), "keys": keys }),
            base: Base::Exactly(edit.base_version.clone()),
            values: edit
                .values
                .iter()
                .map(|(key, value)| (key.clone(), value_json(value)))
                .collect(),
        };
        self.detached(caller, write).await
    }

    /// Makes a new random value for a key that nixdeck generates (`CommitteeSecret`: 32
    /// bytes from the OS, base64); the value is shown only if revealed.
    pub async fn generate_secret(
        &self,
        caller: &Caller,
        env: &str,
        kind: &str,
        key: Result<String, Failure>,
    ) -> Result<String, Failure> {
        require(caller, Action::WriteSecrets)?;
        let secret = SecretRef::parse(env, kind)?;
        let key = key?;
        match secret.kind.key(&key) {
            Some(spec) if spec.generated && spec.shape == ValueShape::Text => {}
            _ => {
                let generated = secret.kind.generated_keys();
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
        let write = ValuesWrite {
            secret,
            action: "secret.generated",
            details: json!({ "secret": secret.id(), "key": key }),
            base: Base::Any,
            values: vec![(key, Value::String(STANDARD.encode(bytes)))],
        };
        self.detached(caller, write).await
    }

    /// Makes a previous version current again. `version_id` is the request's, or why it
    /// could not be read.
    pub async fn roll_back_secret(
        &self,
        caller: &Caller,
        env: &str,
        kind: &str,
        version_id: Result<String, Failure>,
    ) -> Result<String, Failure> {
        require(caller, Action::WriteSecrets)?;
        let secret = SecretRef::parse(env, kind)?;
        let to = version_id?;
        if to.trim().is_empty() {
            return Err(Failure::invalid(
                "version_id",
                "name the version to make current",
            ));
        }
        let id = secret.id();
        let listing = self
            .cloud()?
            .secrets
            .versions(&id)
            .await?
            .ok_or_else(|| Failure::not_found(format!("the secret {id} does not exist")))?;
        if !listing.versions.iter().any(|v| v.id == to) {
            return Err(Failure::not_found(format!(
                "version_id: {id} has no version {to:?}"
            )));
        }
        let from = match listing.current() {
            // Already current: nothing to change, nothing to record.
            Some(current) if current == to => return Ok(to),
            Some(current) => current.to_owned(),
            None => {
                return Err(Failure::conflict(
                    "the secret has no current version to replace",
                ))
            }
        };
        let engine = self.clone();
        let caller = caller.clone();
        finish_detached(tokio::spawn(async move {
            engine.roll_back(&caller, secret, &from, &to).await
        }))
        .await
    }

    async fn roll_back(
        &self,
        caller: &Caller,
        secret: SecretRef,
        from: &str,
        to: &str,
    ) -> Result<String, Failure> {
        let id = secret.id();
        let details = json!({ "secret": id, "from": from, "to": to });
        let claim = self
            .claim_secret(caller, secret, to, ROLLED_BACK, details)
            .await?;
        // `from` must still be current: AWS refuses to move the label from another version.
        match self.cloud()?.secrets.make_current(&id, to, from).await {
            Ok(()) => {
                self.settle_claim(&claim).await?;
                Ok(to.to_owned())
            }
            Err(error) => {
                self.after_failed_write(&claim).await;
                Err(error.into())
            }
        }
    }

    /// Runs a write to its end even if the request that asked for it goes away meanwhile,
    /// so its claim is always settled or released.
    async fn detached(&self, caller: &Caller, write: ValuesWrite) -> Result<String, Failure> {
        let engine = self.clone();
        let caller = caller.clone();
        finish_detached(tokio::spawn(async move {
            engine.write_values(&caller, write).await
        }))
        .await
    }

    /// Claims the secret, reads the current version, checks it against the write's base,
    /// sets the write's values over it, writes a new version, then records and releases.
    async fn write_values(&self, caller: &Caller, write: ValuesWrite) -> Result<String, Failure> {
        let store = &self.cloud()?.secrets;
        let id = write.secret.id();
        // The new version's id is its ClientRequestToken: the SDK's own retries of the
        // write reuse it, so a retried request makes no second version.
        let token = uuid::Uuid::new_v4().to_string();
        let claim = self
            .claim_secret(caller, write.secret, &token, write.action, write.details)
            .await?;
        let current = match store.read(&id).await {
            Ok(current) => current,
            Err(error) => {
                self.release_claim(&claim).await;
                return Err(error.into());
            }
        };
        let merged = write.base.check(current.as_ref()).and_then(|()| {
            let mut object = match &current {
                Some(document) => object_of(document)?,
                None => Map::new(),
            };
            object.extend(write.values);
            Ok(SecretText::new(Value::Object(object).to_string()))
        });
        let text = match merged {
            Ok(text) => text,
            Err(failure) => {
                self.release_claim(&claim).await;
                return Err(failure);
            }
        };
        let written = match current {
            Some(_) => store.put(&id, &text, &token).await,
            None => store.create(&id, &text, &token).await,
        };
        match written {
            Ok(()) => {
                self.settle_claim(&claim).await?;
                Ok(token)
            }
            Err(error) => {
                self.after_failed_write(&claim).await;
                Err(error.into())
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
        let event =
            serde_json::to_string(&event).map_err(|e| super::unreadable("audit event", &e))?;
        let in_progress = || {
            Failure::conflict(format!(
                "another change to {id} is in progress; try again in a moment"
            ))
        };
        let mut tx = self.store().begin().await?;
        if let Some(held) = secret_writes::find(&mut tx, &id).await? {
            if held.expires_at > now_millis() {
                return Err(in_progress());
            }
            drop(tx);
            self.settle_uncertain(&held, true).await?;
            tx = self.store().begin().await?;
        }
        // Timed from now, after any settling, so the whole claim is this change's own.
        let now = now_millis();
        let row = SecretWriteRow {
            secret_id: id.clone(),
            version_id: version_id.to_owned(),
            event,
            started_at: now,
            expires_at: now + self.cloud()?.claim_millis,
        };
        secret_writes::insert(&mut tx, &row)
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => in_progress(),
                other => other.into(),
            })?;
        tx.commit().await?;
        Ok(row)
    }

    /// Records the claim's audit event and lets the claim go, in one transaction.
    async fn settle_claim(&self, claim: &SecretWriteRow) -> Result<(), Failure> {
        let mut tx = self.store().begin().await?;
        if secret_writes::delete(&mut tx, &claim.secret_id, &claim.version_id).await? {
            audit::record(&mut tx, event_of(claim, None)?).await?;
            self.notify_secret_changed(&mut tx, &claim.secret_id)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Lets a claim go: nothing was written.
    async fn release_claim(&self, claim: &SecretWriteRow) {
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

    /// A write AWS did not confirm may still have been made (an earlier attempt of it may
    /// have arrived): ask AWS now, and record or release accordingly. If AWS cannot say,
    /// the claim stays until it expires and whoever finds it asks again.
    async fn after_failed_write(&self, claim: &SecretWriteRow) {
        if let Err(failure) = self.settle_uncertain(claim, false).await {
            tracing::warn!(
                secret = claim.secret_id,
                error = %failure,
                "cannot tell whether a secret write was made; its claim stays until it expires"
            );
        }
    }

    /// Settles a claim whose outcome is not known: if AWS holds its change, its event is
    /// recorded (marked late when its holder is gone); either way the claim goes.
    async fn settle_uncertain(&self, held: &SecretWriteRow, late: bool) -> Result<(), Failure> {
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
            let late_since = late.then_some(held.started_at);
            audit::record(&mut tx, event_of(held, late_since)?).await?;
            self.notify_secret_changed(&mut tx, &held.secret_id).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A write of values over the current version.
#[derive(Debug)]
struct ValuesWrite {
    secret: SecretRef,
    action: &'static str,
    /// The audit event's details: key names, never values.
    details: Value,
    base: Base,
    values: Vec<(String, Value)>,
}

/// Which current version a write may be made over.
#[derive(Debug)]
enum Base {
    /// Exactly this one (`None`: the secret must not exist yet).
    Exactly(Option<String>),
    /// Whatever is current (or none).
    Any,
}

impl Base {
    fn check(&self, current: Option<&SecretDocument>) -> Result<(), Failure> {
        let Base::Exactly(base) = self else {
            return Ok(());
        };
        match (current, base) {
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
        }
    }
}

/// The answer of a write run as its own task.
async fn finish_detached(
    task: tokio::task::JoinHandle<Result<String, Failure>>,
) -> Result<String, Failure> {
    task.await.unwrap_or_else(|error| {
        tracing::error!(%error, "a secret write panicked");
        Err(Failure::internal())
    })
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

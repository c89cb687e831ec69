//! Secrets Manager as the engine's `SecretStore`.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_secretsmanager::Client;
use engine::{
    cloud::{CloudError, SecretDocument, SecretListing, SecretStore, SecretText},
    jobs::handler::BoxFuture,
    model::secrets::{SecretVersion, CURRENT_STAGE},
};

use crate::errors::{classify, is_not_found, within, Operation};

const SERVICE: &str = "Secrets Manager";
const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

#[derive(Debug, Clone)]
pub struct SecretsManager {
    client: Client,
    timeout: Duration,
}

impl SecretsManager {
    pub fn new(config: &SdkConfig, timeout: Duration) -> SecretsManager {
        SecretsManager {
            client: Client::new(config),
            timeout,
        }
    }

    fn op(name: &'static str) -> Operation {
        (SERVICE, name)
    }
}

impl SecretStore for SecretsManager {
    fn versions<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<SecretListing>, CloudError>> {
        Box::pin(within(
            self.timeout,
            Self::op("ListSecretVersionIds"),
            async move {
                // Whether it exists first: DescribeSecret's answer for a missing secret is the
                // same everywhere, where listing the versions of one is not.
                match self.client.describe_secret().secret_id(id).send().await {
                    Ok(_) => {}
                    Err(error) if is_not_found(&error, NOT_FOUND) => return Ok(None),
                    Err(error) => {
                        return Err(classify(error, Self::op("DescribeSecret"), self.timeout))
                    }
                }
                let mut versions = Vec::new();
                let mut next: Option<String> = None;
                loop {
                    let answer = self
                        .client
                        .list_secret_version_ids()
                        .secret_id(id)
                        .max_results(100)
                        .set_next_token(next.take())
                        .send()
                        .await;
                    let page = match answer {
                        Ok(page) => page,
                        Err(error) if is_not_found(&error, NOT_FOUND) => return Ok(None),
                        Err(error) => {
                            return Err(classify(
                                error,
                                Self::op("ListSecretVersionIds"),
                                self.timeout,
                            ))
                        }
                    };
                    versions.extend(page.versions().iter().map(|entry| SecretVersion {
                        id: entry.version_id().unwrap_or_default().to_owned(),
                        stages: entry.version_stages().to_vec(),
                        created_at: entry.created_date().and_then(|d| d.to_millis().ok()),
                    }));
                    match page.next_token() {
                        Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                        _ => break,
                    }
                }
                // Newest first. Versions listed with the same time keep the reverse of the
                // listing's order (which is oldest first).
                versions.reverse();
                versions.sort_by_key(|v| std::cmp::Reverse(v.created_at));
                Ok(Some(SecretListing { versions }))
            },
        ))
    }

    fn read<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<SecretDocument>, CloudError>> {
        Box::pin(async move {
            let answer = self
                .client
                .get_secret_value()
                .secret_id(id)
                .version_stage(CURRENT_STAGE)
                .send()
                .await;
            match answer {
                Ok(answer) => Ok(Some(SecretDocument {
                    version_id: answer.version_id().unwrap_or_default().to_owned(),
                    text: SecretText::new(answer.secret_string().unwrap_or_default().to_owned()),
                })),
                Err(error) if is_not_found(&error, NOT_FOUND) => Ok(None),
                Err(error) => Err(classify(error, Self::op("GetSecretValue"), self.timeout)),
            }
        })
    }

    fn create<'a>(
        &'a self,
        id: &'a str,
        text: &'a SecretText,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>> {
        Box::pin(async move {
            self.client
                .create_secret()
                .name(id)
                .secret_string(text.expose())
                .client_request_token(token)
                .send()
                .await
                .map(drop)
                .map_err(|error| classify(error, Self::op("CreateSecret"), self.timeout))
        })
    }

    fn put<'a>(
        &'a self,
        id: &'a str,
        text: &'a SecretText,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>> {
        Box::pin(async move {
            self.client
                .put_secret_value()
                .secret_id(id)
                .secret_string(text.expose())
                .client_request_token(token)
                .send()
                .await
                .map(drop)
                .map_err(|error| classify(error, Self::op("PutSecretValue"), self.timeout))
        })
    }

    fn make_current<'a>(
        &'a self,
        id: &'a str,
        to: &'a str,
        from: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>> {
        Box::pin(async move {
            self.client
                .update_secret_version_stage()
                .secret_id(id)
                .version_stage(CURRENT_STAGE)
                .move_to_version_id(to)
                .remove_from_version_id(from)
                .send()
                .await
                .map(drop)
                .map_err(|error| {
                    classify(error, Self::op("UpdateSecretVersionStage"), self.timeout)
                })
        })
    }
}

//! The Secrets page: the AWS Secrets Manager entries the clusters and the deployer read.

mod edit_form;
mod page;
mod reveal;
mod secret_card;

pub use page::SecretsPage;

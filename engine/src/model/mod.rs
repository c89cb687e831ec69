//! Domain types and the rules they obey. No IO here: this module is compiled into the
//! browser bundle as well as the server.

pub mod access;
pub mod ansi;
pub mod approval;
pub mod audit;
pub mod builder;
pub mod cloud;
pub mod cluster;
pub mod dependencies;
pub mod deployer;
pub mod failure;
#[cfg(feature = "server")]
pub mod github;
pub mod health;
pub mod host;
pub mod job;
pub mod notifications;
pub mod report;
pub mod schedule;
pub mod secrets;
pub mod sign_in;
pub mod slack;
pub mod theme;
pub mod time;
pub mod url_encoding;

mod text_enum;

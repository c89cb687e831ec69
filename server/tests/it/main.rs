//! Integration tests of the `nixdeck` server: the router answered in-process (with
//! `oneshot`) over real databases, and the built binary run as a person would run it.

mod cli;
mod github_sign_in;
mod helpers;
mod http_access;
mod http_pages;
mod http_plain;
mod oidc_sign_in;
mod permissions;
mod provider_helpers;

//! Engine errors as the dashboard shows them.

use engine::{
    clusters::{Actor, ClusterError},
    jobs::JobError,
    model::access::Principal,
};

use crate::api::ApiError;

pub async fn actor(principal: &Principal) -> Actor {
    Actor {
        login: principal.login.clone(),
        source_addr: crate::api::auth::source_addr().await,
    }
}

pub fn cluster_error(error: ClusterError) -> ApiError {
    match error {
        ClusterError::Invalid(field) => ApiError::Invalid {
            field: field.field,
            message: field.message,
        },
        ClusterError::Conflict { field, message } => ApiError::Invalid { field, message },
        ClusterError::NotFound(name) => {
            ApiError::NotFound(format!("there is no cluster named {name:?}"))
        }
        ClusterError::Busy(message) => ApiError::Conflict(message),
        ClusterError::Store(error) => ApiError::internal(&error),
    }
}

pub fn job_error(error: JobError) -> ApiError {
    match error {
        JobError::Cluster(error) => cluster_error(error),
        JobError::NotFound(id) => ApiError::NotFound(format!("there is no job {id:?}")),
        JobError::Conflict(message) => ApiError::Conflict(message),
        JobError::Store(error) => ApiError::internal(&error),
    }
}

//! The GitHub deployments that became jobs: one job per deployment, however often GitHub
//! sends it; and, for a job, the deployment its statuses go to.

use super::{on_conn, Store, StoreError, Tx};

/// A GitHub deployment and the job it became.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GithubDeploymentRow {
    pub repository: String,
    pub deployment_id: i64,
    pub job_id: String,
}

/// The job a deployment became, if it became one.
pub async fn job_of(
    tx: &mut Tx,
    repository: &str,
    deployment_id: i64,
) -> Result<Option<String>, StoreError> {
    let job = on_conn!(tx tx, conn => {
        sqlx::query_scalar(
            r#"select job_id from github_deployments where repository = $1 and deployment_id = $2"#,
        )
        .bind(repository)
        .bind(deployment_id)
        .fetch_optional(conn)
        .await?
    });
    Ok(job)
}

/// Records that a deployment became `job_id`.
pub async fn insert(
    tx: &mut Tx,
    repository: &str,
    deployment_id: i64,
    job_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into github_deployments (repository, deployment_id, job_id, created_at)
               values ($1, $2, $3, $4)"#,
        )
        .bind(repository)
        .bind(deployment_id)
        .bind(job_id)
        .bind(now)
        .execute(conn)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "this deployment became a job"))?;
    });
    Ok(())
}

/// The deployment a job came from, if it came from one.
pub async fn of_job(
    store: &Store,
    job_id: &str,
) -> Result<Option<GithubDeploymentRow>, StoreError> {
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, GithubDeploymentRow>(
            r#"select repository, deployment_id, job_id from github_deployments where job_id = $1"#,
        )
        .bind(job_id)
        .fetch_optional(conn)
        .await?
    });
    Ok(row)
}

/// The same inside a transaction.
pub async fn of_job_in(
    tx: &mut Tx,
    job_id: &str,
) -> Result<Option<GithubDeploymentRow>, StoreError> {
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, GithubDeploymentRow>(
            r#"select repository, deployment_id, job_id from github_deployments where job_id = $1"#,
        )
        .bind(job_id)
        .fetch_optional(conn)
        .await?
    });
    Ok(row)
}

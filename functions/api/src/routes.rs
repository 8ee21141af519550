//! Every route atsi serves, and which Lambda function owns it. `template.yaml` declares
//! the same table for API Gateway.

use atsi_domain::EmployerId;
use atsi_domain::greenhouse::{EducationKind, JobPostId};
use http::Method;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Register,
    Sync,
    Apply,
}

impl Function {
    /// The name in logs and in the metrics' `Function` dimension.
    pub fn name(self) -> &'static str {
        match self {
            Function::Register => "register",
            Function::Sync => "sync",
            Function::Apply => "apply",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    ListEmployers,
    PutEmployer(EmployerId),
    GetEmployer(EmployerId),
    DeleteEmployer(EmployerId),
    SyncEmployer(EmployerId),
    ListJobs(EmployerId),
    GetForm(EmployerId, JobPostId),
    SubmitApplication(EmployerId, JobPostId),
    GetApplication(EmployerId, String),
    Education(EmployerId, EducationKind),
}

impl Route {
    pub fn function(&self) -> Function {
        match self {
            Route::ListEmployers
            | Route::PutEmployer(_)
            | Route::GetEmployer(_)
            | Route::DeleteEmployer(_) => Function::Register,
            Route::SyncEmployer(_) => Function::Sync,
            Route::ListJobs(_)
            | Route::GetForm(..)
            | Route::SubmitApplication(..)
            | Route::GetApplication(..)
            | Route::Education(..) => Function::Apply,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    NotFound,
    MethodNotAllowed {
        allowed: &'static str,
    },
    BadParameter {
        field: &'static str,
        message: String,
    },
}

fn employer(raw: &str) -> Result<EmployerId, RouteError> {
    EmployerId::parse(raw).map_err(|e| RouteError::BadParameter {
        field: "employer_id",
        message: format!("employer_id {e}"),
    })
}

fn job(raw: &str) -> Result<JobPostId, RouteError> {
    raw.parse().map_err(|_| RouteError::BadParameter {
        field: "job_id",
        message: "job_id must be a Greenhouse job post id (a whole number)".into(),
    })
}

/// Routes a path with any API Gateway stage already removed.
pub fn route(method: &Method, path: &str) -> Result<Route, RouteError> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let m = method.clone();
    match segments.as_slice() {
        ["v1", "employers"] => match m {
            Method::GET => Ok(Route::ListEmployers),
            _ => Err(RouteError::MethodNotAllowed { allowed: "GET" }),
        },
        ["v1", "employers", id] => match m {
            Method::PUT => Ok(Route::PutEmployer(employer(id)?)),
            Method::GET => Ok(Route::GetEmployer(employer(id)?)),
            Method::DELETE => Ok(Route::DeleteEmployer(employer(id)?)),
            _ => Err(RouteError::MethodNotAllowed {
                allowed: "GET, PUT, DELETE",
            }),
        },
        ["v1", "employers", id, "sync"] => match m {
            Method::POST => Ok(Route::SyncEmployer(employer(id)?)),
            _ => Err(RouteError::MethodNotAllowed { allowed: "POST" }),
        },
        ["v1", "employers", id, "jobs"] => match m {
            Method::GET => Ok(Route::ListJobs(employer(id)?)),
            _ => Err(RouteError::MethodNotAllowed { allowed: "GET" }),
        },
        ["v1", "employers", id, "jobs", job_id, "form"] => match m {
            Method::GET => Ok(Route::GetForm(employer(id)?, job(job_id)?)),
            _ => Err(RouteError::MethodNotAllowed { allowed: "GET" }),
        },
        ["v1", "employers", id, "jobs", job_id, "applications"] => match m {
            Method::POST => Ok(Route::SubmitApplication(employer(id)?, job(job_id)?)),
            _ => Err(RouteError::MethodNotAllowed { allowed: "POST" }),
        },
        ["v1", "employers", id, "education", kind] => match (m, EducationKind::from_path(kind)) {
            (Method::GET, Some(kind)) => Ok(Route::Education(employer(id)?, kind)),
            (_, None) => Err(RouteError::NotFound),
            _ => Err(RouteError::MethodNotAllowed { allowed: "GET" }),
        },
        ["v1", "employers", id, "applications", application_id] => match m {
            Method::GET => Ok(Route::GetApplication(
                employer(id)?,
                application(application_id)?,
            )),
            _ => Err(RouteError::MethodNotAllowed { allowed: "GET" }),
        },
        _ => Err(RouteError::NotFound),
    }
}

fn application(raw: &str) -> Result<String, RouteError> {
    let ok = raw.len() == 36 && raw.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    if ok {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(RouteError::BadParameter {
            field: "application_id",
            message: "application_id is the id atsi returned when the application was submitted"
                .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_map_to_their_functions() {
        let r = route(
            &Method::POST,
            "/v1/employers/nw/jobs/4012345001/applications",
        )
        .unwrap();
        assert_eq!(r.function(), Function::Apply);
        assert_eq!(
            route(&Method::POST, "/v1/employers/nw/sync/")
                .unwrap()
                .function(),
            Function::Sync
        );
        assert_eq!(
            route(&Method::DELETE, "/v1/employers/nw")
                .unwrap()
                .function(),
            Function::Register
        );
    }

    #[test]
    fn bad_paths_say_why() {
        assert_eq!(route(&Method::GET, "/v2/x"), Err(RouteError::NotFound));
        assert_eq!(
            route(&Method::PATCH, "/v1/employers/nw"),
            Err(RouteError::MethodNotAllowed {
                allowed: "GET, PUT, DELETE"
            })
        );
        assert!(matches!(
            route(&Method::GET, "/v1/employers/nw/jobs/abc/form"),
            Err(RouteError::BadParameter {
                field: "job_id",
                ..
            })
        ));
        assert!(matches!(
            route(&Method::GET, "/v1/employers/a%2Fb"),
            Err(RouteError::BadParameter {
                field: "employer_id",
                ..
            })
        ));
    }
}

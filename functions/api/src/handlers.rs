//! From a request to a use case and back. Each arm is a thin translation.

use crate::response::{ApiRequest, ApiResponse};
use crate::routes::{Function, Route, RouteError, route};
use atsi_domain::Submission;
use atsi_domain::credentials::ApiKey;
use atsi_service::{ErrorKind, RegisterInput, ServiceError, Services};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, json};

/// Handles a request in the function that owns its route; a route owned by another
/// function answers 404, as API Gateway would never send it here.
pub async fn handle(function: Function, services: &Services, req: ApiRequest) -> ApiResponse {
    handle_routed(Some(function), services, req).await
}

/// Handles any route: the local server plays all three functions at once.
pub async fn handle_any(services: &Services, req: ApiRequest) -> ApiResponse {
    handle_routed(None, services, req).await
}

async fn handle_routed(
    function: Option<Function>,
    services: &Services,
    req: ApiRequest,
) -> ApiResponse {
    let rid = req.request_id.as_str();
    let route = match route(&req.method, &req.path) {
        Ok(r) if function.is_none_or(|f| f == r.function()) => r,
        Ok(_) | Err(RouteError::NotFound) => {
            return ApiResponse::error(
                404,
                rid,
                "route_not_found",
                "no such route",
                None,
                Map::new(),
            );
        }
        Err(RouteError::MethodNotAllowed { allowed }) => {
            let mut r = ApiResponse::error(
                405,
                rid,
                "method_not_allowed",
                &format!("allowed: {allowed}"),
                None,
                Map::new(),
            );
            r.allow = Some(allowed);
            return r;
        }
        Err(RouteError::BadParameter { field, message }) => {
            return ApiResponse::error(
                400,
                rid,
                "invalid_parameter",
                &message,
                Some(field),
                Map::new(),
            );
        }
    };
    match dispatch(services, route, &req).await {
        Ok(resp) => resp,
        Err(e) => {
            // The request id in every error answer can be found in the logs.
            if matches!(e.kind, ErrorKind::Internal | ErrorKind::Upstream { .. }) {
                tracing::warn!(request_id = rid, code = e.code, "request failed");
            } else {
                tracing::info!(request_id = rid, code = e.code, "request refused");
            }
            ApiResponse::from_service_error(&e, rid)
        }
    }
}

/// The operator's registration body. The key goes straight into an [`ApiKey`], which
/// cannot be printed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterBody {
    board_token: String,
    api_key: String,
}

/// Only `application/json` (or a `+json` type), with any parameters.
fn is_json_media_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn parse_json<T: DeserializeOwned>(req: &ApiRequest) -> Result<T, ServiceError> {
    if let Some(ct) = req.headers.get(http::header::CONTENT_TYPE)
        && !ct.to_str().is_ok_and(is_json_media_type)
    {
        return Err(ServiceError::new(
            ErrorKind::BadRequest,
            "unsupported_media_type",
            "send the body as application/json",
        )
        .field("content-type"));
    }
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ServiceError::new(
            ErrorKind::BadRequest,
            "invalid_body",
            "a JSON object body is required",
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(&req.body).map_err(|e| {
        ServiceError::new(
            ErrorKind::BadRequest,
            "invalid_body",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    // serde would also read a struct from an array, by position.
    if !value.is_object() {
        return Err(ServiceError::new(
            ErrorKind::BadRequest,
            "invalid_body",
            "the body must be a JSON object",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        // serde's message repeats the offending value, which may be personal data: keep
        // only what was expected.
        let inner = e.into_inner().to_string();
        let expected = inner
            .split_once("expected ")
            .map(|(_, x)| format!("expected {x}"))
            .unwrap_or_else(|| inner.split(" at line").next().unwrap_or("").to_owned());
        let mut err = ServiceError::new(
            ErrorKind::BadRequest,
            "invalid_body",
            format!("`{field}`: {expected}"),
        );
        if field != "." {
            err = err.field(field);
        }
        err
    })
}

/// `term` (what the jobseeker typed, at most 100 characters) and `page` (from 1).
fn education_query(req: &ApiRequest) -> Result<(Option<String>, u32), ServiceError> {
    let mut term = None;
    let mut page = 1;
    for (k, v) in url::form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "term" => {
                let t = v.trim();
                if t.chars().count() > 100 || t.chars().any(char::is_control) {
                    return Err(ServiceError::new(
                        ErrorKind::BadRequest,
                        "invalid_parameter",
                        "term is at most 100 characters of text",
                    )
                    .field("term"));
                }
                term = (!t.is_empty()).then(|| t.to_owned());
            }
            "page" => {
                page = v
                    .parse::<u32>()
                    .ok()
                    .filter(|p| (1..=1000).contains(p))
                    .ok_or_else(|| {
                        ServiceError::new(
                            ErrorKind::BadRequest,
                            "invalid_parameter",
                            "page is a number from 1 to 1000",
                        )
                        .field("page")
                    })?;
            }
            _ => {}
        }
    }
    Ok((term, page))
}

/// The `Idempotency-Key` header: absent is fine, present must be usable.
fn idempotency_key(req: &ApiRequest) -> Result<Option<&str>, ServiceError> {
    let invalid = || {
        ServiceError::new(
            ErrorKind::BadRequest,
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 128 visible ASCII characters",
        )
        .field("Idempotency-Key")
    };
    match req.headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v.to_str().map_err(|_| invalid())?.trim();
            if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(invalid());
            }
            Ok(Some(key))
        }
    }
}

async fn dispatch(
    services: &Services,
    route: Route,
    req: &ApiRequest,
) -> Result<ApiResponse, ServiceError> {
    Ok(match route {
        Route::PutEmployer(id) => {
            let body: RegisterBody = parse_json(req)?;
            let input = RegisterInput {
                board_token: body.board_token,
                api_key: ApiKey::new(body.api_key),
            };
            let registered = services.register(&id, input).await?;
            ApiResponse::json(if registered.created { 201 } else { 200 }, registered)
        }
        Route::GetEmployer(id) => ApiResponse::json(200, services.status(&id).await?),
        Route::ListEmployers => {
            let mut attention = false;
            for (k, v) in url::form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes())
            {
                if k == "attention" {
                    attention = match v.as_ref() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(ServiceError::new(
                                ErrorKind::BadRequest,
                                "invalid_parameter",
                                "attention is true or false",
                            )
                            .field("attention"));
                        }
                    };
                }
            }
            ApiResponse::json(
                200,
                json!({ "employers": services.list_employers(attention).await? }),
            )
        }
        Route::DeleteEmployer(id) => {
            services.remove(&id).await?;
            ApiResponse::no_content()
        }
        Route::SyncEmployer(id) => ApiResponse::json(200, services.sync_employer(&id).await?),
        Route::ListJobs(id) => {
            let jobs = services.open_jobs(&id).await?;
            ApiResponse::json(200, json!({ "employer_id": id, "jobs": jobs }))
        }
        Route::GetForm(id, job_id) => {
            let form = services.form(&id, job_id).await?;
            ApiResponse::json(200, json!({ "employer_id": id, "form": form }))
        }
        Route::SubmitApplication(id, job_id) => {
            let submission: Submission = parse_json(req)?;
            let key = idempotency_key(req)?;
            let receipt = services.apply(&id, job_id, &submission, key).await?;
            ApiResponse::json(if receipt.replayed { 200 } else { 201 }, receipt)
        }
        Route::Education(id, kind) => {
            let (term, page) = education_query(req)?;
            let found = services.education(&id, kind, term.as_deref(), page).await?;
            ApiResponse::json(200, found)
        }
        Route::GetApplication(id, application_id) => {
            ApiResponse::json(200, services.application(&id, &application_id).await?)
        }
    })
}

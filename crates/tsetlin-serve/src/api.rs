//! The request and response bodies of the API, and its one error shape.
//!
//! Every error is a JSON object `{"error": {"code": ..., "message": ...}}` with a 4xx/5xx
//! status, including the ones the framework raises (a body that is not JSON, a wrong type, a
//! body over the size limit): nothing answers with a bare text body, a stack trace or a path.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `POST /v1/predict` and `POST /v1/explain`: one text, or (predict only) a batch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PredictRequest {
    /// One document.
    pub text: Option<String>,
    /// Several documents, answered in order.
    pub texts: Option<Vec<String>>,
}

/// The prediction for one document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Prediction {
    /// The predicted label (single-label models: the class with the largest sum).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The predicted label set (multi-label models: every label whose sum is above its
    /// threshold, in label order; possibly empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Every class's (label's) sum of votes.
    #[schema(value_type = BTreeMap<String, i64>)]
    pub class_sums: ClassSums,
}

/// Every class's sum of votes, written as a JSON object keyed by label in label order (the
/// object a `BTreeMap<String, i64>` writes), without building a map per prediction: cloning
/// every label name into a fresh map for each document cost about 2 µs a prediction, several
/// per cent of the server's time on a batch.
#[derive(Debug)]
pub struct ClassSums {
    labels: Arc<SumLabels>,
    /// The sums in the order of `labels.sorted`.
    sums: Vec<i64>,
}

/// A model's label names in the order class sums are written (sorted, as a map's keys are),
/// and where each comes from among the model's classes: built once per loaded model.
#[derive(Debug)]
pub struct SumLabels {
    sorted: Vec<String>,
    class_of: Vec<usize>,
}

impl SumLabels {
    /// The order of `names` (the model's classes, in class order).
    pub fn new(names: &[String]) -> Self {
        let mut class_of: Vec<usize> = (0..names.len()).collect();
        class_of.sort_by(|&a, &b| names[a].cmp(&names[b]));
        Self {
            sorted: class_of.iter().map(|&c| names[c].clone()).collect(),
            class_of,
        }
    }
}

impl ClassSums {
    /// The sums of one document, `sums[c]` for class `c`.
    pub fn new(labels: &Arc<SumLabels>, sums: &[i64]) -> Self {
        Self {
            labels: Arc::clone(labels),
            sums: labels.class_of.iter().map(|&c| sums[c]).collect(),
        }
    }
}

impl Serialize for ClassSums {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.sums.len()))?;
        for (label, sum) in self.labels.sorted.iter().zip(&self.sums) {
            map.serialize_entry(label, sum)?;
        }
        map.end()
    }
}

/// `POST /v1/predict` with `texts`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    /// One prediction per text, in order.
    pub predictions: Vec<Prediction>,
}

/// One rule, as `/v1/rules` and `/v1/explain` show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleOut {
    /// The class the rule votes on.
    pub class: String,
    /// Its signed vote (weight, negative when it votes against the class).
    pub vote: i64,
    /// The rule as a sentence.
    pub text: String,
    /// Words that must be present.
    pub present: Vec<String>,
    /// Words that must be absent.
    pub absent: Vec<String>,
}

/// Where in the text a word that some fired rule requires was found.
#[derive(Debug, Serialize, ToSchema)]
pub struct Span {
    /// The term (a word or an n-gram).
    pub term: String,
    /// Byte offsets `[start, end)` in the text.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
}

/// `POST /v1/explain`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExplainResponse {
    /// The predicted label (single-label models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The predicted label set (multi-label models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Every class's sum of votes.
    pub class_sums: BTreeMap<String, i64>,
    /// The rules that fired, heaviest vote first; their votes add up to the class sums.
    pub rules: Vec<RuleOut>,
    /// The text spans behind the fired rules' present words.
    pub spans: Vec<Span>,
}

/// `GET /v1/rules`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesResponse {
    /// How many non-empty rules match the query.
    pub total: usize,
    /// The heaviest of them, up to the limit.
    pub rules: Vec<RuleOut>,
}

/// `GET /v1/model` and a successful `POST /v1/admin/reload`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelResponse {
    /// The model now serving.
    pub model: crate::model::ModelInfo,
    /// The last reload, when it failed (the model above kept serving).
    pub last_reload_error: Option<crate::model::ReloadError>,
}

/// `GET /healthz` and `GET /readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    /// `ok` (alive) or `ready` (serving a model).
    pub status: String,
}

/// `GET /v1/rules` query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RulesQuery {
    /// Only this class's rules.
    pub class: Option<String>,
    /// At most this many, heaviest first (default 50).
    pub limit: Option<usize>,
}

/// An API error: a status and a JSON body that says what was wrong.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine-readable code (`bad_request`, `payload_too_large`, ...).
    pub code: &'static str,
    /// For a person.
    pub message: String,
    /// Seconds for a `Retry-After` header (503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// 400 with a message naming the field that is wrong.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// An error with any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 503: the server is at its bound of concurrent work; retry shortly.
    pub fn overloaded() -> Self {
        Self {
            retry_after: Some(1),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "the server is at its limit of concurrent requests; retry shortly",
            )
        }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// An error's code and message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: `bad_request`, `payload_too_large`, `batch_too_large`,
    /// `text_too_long`, `unsupported_media_type`, `unauthorized`, `not_found`,
    /// `unknown_class`, `overloaded`, `timeout`, `reload_failed`, `internal`.
    pub code: String,
    /// For a person: names the field that is wrong.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A JSON body whose rejections (not JSON, wrong types, unknown fields, too large, wrong
/// content type) are [`ApiError`]s.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_error(rejection)),
        }
    }
}

fn rejection_error(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "bad_request",
    };
    // The framework's text names the problem (line and column of bad JSON, the field of a
    // wrong type); it never holds a path or a trace.
    ApiError::new(status, code, rejection.body_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_sums_are_written_as_the_map_of_them_would_be() {
        // Labels out of order, one a prefix of another: the object's keys come sorted, each
        // with its own class's sum.
        let names: Vec<String> = ["b", "a", "ab", "C"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let sums = [1, -2, 30, 4];
        let labels = Arc::new(SumLabels::new(&names));
        let map: BTreeMap<String, i64> = names.iter().cloned().zip(sums).collect();
        assert_eq!(
            serde_json::to_string(&ClassSums::new(&labels, &sums)).expect("json"),
            serde_json::to_string(&map).expect("json")
        );
    }
}

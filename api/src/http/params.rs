//! Reading a GraphQL request from its parameters, wherever they came
//! from (a JSON body or a query string), and telling whether it would
//! change data.

use async_graphql::parser::types::OperationType;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::media::Media;

/// A JSON object whose keys are each given once.
struct Once(Map<String, Value>);

impl<'de> serde::Deserialize<'de> for Once {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = Map<String, Value>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut params = Map::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    if params.contains_key(&key) {
                        let message = format!("`{key}` is given twice");
                        return Err(serde::de::Error::custom(message));
                    }
                    params.insert(key, value);
                }
                Ok(params)
            }
        }
        deserializer.deserialize_map(Keys).map(Once)
    }
}

/// The parameters of a JSON body: one object, each key once (a proxy that
/// read the first of two `query` keys would see another request than the
/// one that runs).
pub(super) fn params_from_body(body: &[u8]) -> Result<Map<String, Value>, String> {
    if body.trim_ascii_start().starts_with(b"[") {
        return Err("batched requests are not supported; send one operation per request".into());
    }
    match serde_json::from_slice::<Once>(body) {
        Ok(Once(params)) => Ok(params),
        Err(err) => Err(format!("the body is not a GraphQL request: {err}")),
    }
}

/// The parameters of a request, checked for their JSON types.
pub(super) fn request_from(params: Map<String, Value>) -> Result<async_graphql::Request, String> {
    let text = |name: &str| match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(format!("`{name}` must be a string")),
    };
    let object = |name: &str| match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(Value::Object(map.clone()))),
        Some(_) => Err(format!("`{name}` must be an object")),
    };
    let query = text("query")?.ok_or("the request has no `query`")?;
    let mut request = async_graphql::Request::new(query);
    if let Some(name) = text("operationName")? {
        request = request.operation_name(name);
    }
    if let Some(variables) = object("variables")? {
        request = request.variables(async_graphql::Variables::from_json(variables));
    }
    if let Some(Value::Object(extensions)) = object("extensions")? {
        for (key, value) in extensions {
            if let Ok(value) = async_graphql::Value::from_json(value) {
                request.extensions.insert(key, value);
            }
        }
    }
    Ok(request)
}

/// True when the operation the request would run is not a query.
pub(super) fn changes_data(request: &mut async_graphql::Request) -> bool {
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    crate::graphql::chosen_operation(document, name.as_deref())
        .is_some_and(|(_, operation)| operation.node.ty != OperationType::Query)
}

/// `?query=…&operationName=…&variables=…&extensions=…`, the last two JSON.
pub(super) fn params_from_query_string(text: &str) -> Result<Map<String, Value>, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(text)
        .map_err(|err| format!("the query string is not a GraphQL request: {err}"))?;
    let mut params = Map::new();
    for (name, value) in pairs {
        let value = match name.as_str() {
            "variables" | "extensions" if !value.is_empty() => serde_json::from_str(&value)
                .map_err(|err| format!("`{name}` is not JSON: {err}"))?,
            "variables" | "extensions" => Value::Null,
            _ => Value::String(value),
        };
        if params.insert(name.clone(), value).is_some() {
            return Err(format!("`{name}` is given twice"));
        }
    }
    Ok(params)
}

/// The deepest nesting of brackets the parser is given: it descends once
/// per level, and a few thousand levels would overflow its stack and end
/// the process. Selections are limited far below this (`MAX_QUERY_DEPTH`).
pub(super) const MOST_NESTING: usize = 128;

/// The deepest nesting of `{`, `[` and `(` in a GraphQL document, outside
/// strings and comments.
fn nesting(document: &str) -> usize {
    let (mut depth, mut most) = (0usize, 0usize);
    let mut bytes = document.as_bytes().iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'{' | b'[' | b'(' => {
                depth += 1;
                most = most.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => while bytes.next_if(|&b| b != b'\n' && b != b'\r').is_some() {},
            // A string, or a block string's quotes one pair at a time:
            // either way its brackets are not counted.
            b'"' => {
                while let Some(b) = bytes.next() {
                    match b {
                        b'\\' => {
                            bytes.next();
                        }
                        b'"' => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    most
}

/// A document longer than `limit` bytes, or nested past [`MOST_NESTING`],
/// is refused before it is parsed, with the status of any request that
/// could not run.
pub(super) fn document_fits(
    media: Media,
    params: &Map<String, Value>,
    limit: usize,
) -> Result<(), Box<Response>> {
    let document = params.get("query").and_then(Value::as_str).unwrap_or("");
    let length = document.len();
    let body = if length > limit {
        serde_json::json!({ "errors": [{
            "message": format!("the query is {length} bytes long; the most this service parses is {limit}"),
            "extensions": { "code": "QUERY_TOO_LARGE", "limit": limit } }] })
    } else if nesting(document) > MOST_NESTING {
        serde_json::json!({ "errors": [{
            "message": format!("the query nests brackets more than {MOST_NESTING} deep"),
            "extensions": { "code": "QUERY_TOO_DEEP", "limit": MOST_NESTING } }] })
    } else {
        return Ok(());
    };
    let mut response = (media.not_run(), axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    Err(Box::new(response))
}

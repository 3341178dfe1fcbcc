//! Business-rule failures of a mutation come back in its payload's
//! `userErrors` with the record null; requests that cannot run, and
//! callers without the role, stay top-level errors.

use serde_json::{Value, json};

/// A user error as a payload spells it; `field` is dotted, e.g.
/// `ratings.1.level`.
pub fn user_error(code: &str, field: Option<&str>, message: &str) -> Value {
    let field = field.map(|f| f.split('.').collect::<Vec<_>>());
    json!({ "field": field, "code": code, "message": message })
}

/// The one user error of `mutation`'s payload in `body`, after checking
/// that the response has no top-level error and that the payload holds
/// nothing else: every record null, no warnings.
pub fn refusal(body: &Value, mutation: &str) -> Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    let payload = body["data"][mutation].as_object().expect("a payload");
    for (name, value) in payload {
        if name != "userErrors" && name != "clientMutationId" {
            let empty = value.is_null() || value == &json!([]);
            assert!(empty, "{name} is set on a refusal: {body}");
        }
    }
    let errors = payload["userErrors"].as_array().expect("userErrors");
    assert_eq!(errors.len(), 1, "{body}");
    errors[0].clone()
}

/// The code of the user error that refused the one mutation of `body`,
/// or `None` when it succeeded; a top-level error fails the test.
pub fn refused_with(body: &Value) -> Option<String> {
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    let data = body["data"].as_object().expect("data");
    let (mutation, payload) = data.iter().next().expect("a payload");
    if payload["userErrors"] == json!([]) {
        return None;
    }
    Some(refusal(body, mutation)["code"].as_str()?.to_owned())
}

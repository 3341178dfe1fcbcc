//! Idempotency keys on writes. A root mutation whose `input` carries an
//! `idempotencyKey` runs once per key and caller: the same input again
//! within 24 hours gets the first answer back and changes nothing; other
//! input with the same key is a `CONFLICT`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextResolve, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Name, Pos, ServerError, ServerResult, Value, Variables};
use sea_orm::DatabaseConnection;

use super::user_error::Failures;
use crate::auth::Caller;
use crate::data::idempotency::{self, Claim};
use crate::error::ApiError;
use crate::http::persisted::sha256_hex;

/// The longest key a client may send.
const MAX_KEY: usize = 200;

/// Builds one [`Keys`] per request.
pub struct IdempotencyKeys;

impl ExtensionFactory for IdempotencyKeys {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Keys::default())
    }
}

/// The request's variables, kept to read each mutation's input.
#[derive(Default)]
pub struct Keys {
    variables: Mutex<Variables>,
}

/// The same JSON with object keys sorted, so field order never matters.
fn canonical(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let sorted: BTreeMap<String, serde_json::Value> =
                map.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            serde_json::to_value(sorted).unwrap_or_default()
        }
        serde_json::Value::Array(items) => items.into_iter().map(canonical).collect(),
        other => other,
    }
}

/// SHA-256 of the mutation, its input and the caller's scope and roles.
fn request_hash(field: &str, input: serde_json::Value, caller: &Caller) -> String {
    let scope = serde_json::json!({
        "schools": caller.scope.schools,
        "roles": caller.roles.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>(),
    });
    let text = serde_json::json!([field, canonical(input), scope]).to_string();
    sha256_hex(&text)
}

fn refuse(err: ApiError, pos: Pos) -> ServerError {
    async_graphql::Error::from(err).into_server_error(pos)
}

impl Keys {
    /// The mutation's input with variables filled in, and its key.
    fn input(&self, info: &ResolveInfo<'_>) -> Option<(serde_json::Value, Value)> {
        let (_, input) = (info.field.arguments.iter()).find(|(name, _)| name.node == "input")?;
        let variables = self.variables.lock().ok()?.clone();
        let input = (input.node.clone())
            .into_const_with(|name: Name| variables.get(&name).cloned().ok_or(()))
            .ok()?;
        let Value::Object(fields) = &input else {
            return None;
        };
        let key = fields.get("idempotencyKey").cloned()?;
        Some((input.into_json().ok()?, key))
    }
}

#[async_trait::async_trait]
impl Extension for Keys {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Ok(mut kept) = self.variables.lock() {
            *kept = variables.clone();
        }
        next.run(ctx, query, variables).await
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let root_mutation = info.parent_type == "Mutation" && info.path_node.parent.is_none();
        let found = if root_mutation {
            self.input(&info)
        } else {
            None
        };
        let (Some((input, Value::String(key))), Some(caller), Some(db)) = (
            found,
            ctx.data_opt::<Caller>(),
            ctx.data_opt::<DatabaseConnection>(),
        ) else {
            return next.run(ctx, info).await;
        };
        let pos = info.field.name.pos;
        let length = key.chars().count();
        if key.trim().is_empty() || length > MAX_KEY || key.chars().any(char::is_control) {
            let message = format!(
                "an idempotency key is 1 to {MAX_KEY} printable characters, not all spaces"
            );
            return Err(refuse(ApiError::invalid("idempotencyKey", message), pos));
        }
        let hash = request_hash(info.name, input, caller);
        let claim = idempotency::claim(db, caller, &key, &hash).await;
        match claim.map_err(|err| refuse(err, pos))? {
            Claim::Fresh => {}
            Claim::Replay(json) => {
                let json = serde_json::from_str(&json).map_err(|err| {
                    refuse(
                        ApiError::Internal(anyhow::anyhow!("stored answer: {err}")),
                        pos,
                    )
                })?;
                return Value::from_json(json).map(Some).map_err(|err| {
                    refuse(
                        ApiError::Internal(anyhow::anyhow!("stored answer: {err}")),
                        pos,
                    )
                });
            }
            Claim::Mismatch => {
                let message = "this idempotency key was used with another request: other input, \
                               or the same input under other roles or schools";
                return Err(refuse(ApiError::Conflict(message.into()), pos));
            }
            Claim::Running => {
                let message = "the request with this idempotency key is still running";
                return Err(refuse(ApiError::Conflict(message.into()), pos));
            }
        }
        let failures = || ctx.data_opt::<Failures>().map_or(0, Failures::count);
        let failed_before = failures();
        let result = next.run(ctx, info).await;
        let kept = match &result {
            // Only user errors: nothing was written, so a retry may run.
            Ok(_) if failures() > failed_before => idempotency::release(db, caller, &key).await,
            Ok(value) => {
                let json = value.clone().unwrap_or(Value::Null).into_json();
                let json = json.map(|json| json.to_string()).unwrap_or_default();
                idempotency::answer(db, caller, &key, json).await
            }
            // Nothing was written: a retry may run.
            Err(_) => idempotency::release(db, caller, &key).await,
        };
        kept.map_err(|err| refuse(err, pos))?;
        result
    }
}

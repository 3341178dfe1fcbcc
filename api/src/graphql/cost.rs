//! Reports each request's cost in the response's `extensions`, so a client
//! can see how close a query comes to the limit and pace itself:
//! `{"cost": {"requestedQueryCost": 1234, "maximumQueryCost": 250000}}`.
//! Connections and analytics fields cost what their `complexity` says.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation,
};
use async_graphql::{Response, ServerError, ValidationResult, Value};

/// Builds one [`CostReport`] per request.
pub struct QueryCost {
    pub maximum: usize,
}

impl ExtensionFactory for QueryCost {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostReport {
            maximum: self.maximum,
            requested: Mutex::new(None),
        })
    }
}

pub struct CostReport {
    maximum: usize,
    /// The validated document's cost; `None` until validation passes.
    requested: Mutex<Option<usize>>,
}

fn number(n: usize) -> Value {
    Value::Number(u64::try_from(n).unwrap_or(u64::MAX).into())
}

#[async_trait::async_trait]
impl Extension for CostReport {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let requested = *self.requested.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(requested) = requested {
            let cost = [
                ("requestedQueryCost", number(requested)),
                ("maximumQueryCost", number(self.maximum)),
            ];
            let cost = cost
                .into_iter()
                .map(|(k, v)| (async_graphql::Name::new(k), v));
            response
                .extensions
                .insert("cost".to_owned(), Value::Object(cost.collect()));
        }
        response
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        *self.requested.lock().unwrap_or_else(|e| e.into_inner()) = Some(result.complexity);
        Ok(result)
    }
}

//! Introspection off for a request: `__schema` and `__type` at the root are
//! refused with `FORBIDDEN` (where async-graphql's own switch answers a
//! silent null). The HTTP edge marks the requests, by mode and role.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerResult, Value};

use crate::error::ApiError;

/// Request data: this request may not introspect.
pub struct NoIntrospection;

/// The extension that refuses introspection to marked requests.
pub struct IntrospectionGate;

impl ExtensionFactory for IntrospectionGate {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(IntrospectionGate)
    }
}

#[async_trait::async_trait]
impl Extension for IntrospectionGate {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let root = info.path_node.parent.is_none();
        let asks = root && matches!(info.name, "__schema" | "__type");
        if asks && ctx.data_opt::<NoIntrospection>().is_some() {
            let message = "introspection is off on this server; partner tokens may introspect";
            let err = ApiError::Forbidden(message.into());
            return Err(async_graphql::Error::from(err).into_server_error(info.field.name.pos));
        }
        next.run(ctx, info).await
    }
}

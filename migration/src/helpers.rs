//! Small builders shared by the migrations.

use sea_orm_migration::prelude::*;

/// A foreign key on `(trust_id, col)` to `(trust_id, id)` of another table.
pub fn tenant_fk(
    name: &str,
    from: (DynIden, DynIden, DynIden),
    to: (DynIden, DynIden, DynIden),
    cascade: bool,
) -> ForeignKeyCreateStatement {
    let mut fk = ForeignKey::create();
    fk.name(name)
        .from(from.0, (from.1, from.2))
        .to(to.0, (to.1, to.2));
    if cascade {
        fk.on_delete(ForeignKeyAction::Cascade);
    }
    fk
}

pub fn iden3<A: IntoIden, B: IntoIden, C: IntoIden>(
    a: A,
    b: B,
    c: C,
) -> (DynIden, DynIden, DynIden) {
    (a.into_iden(), b.into_iden(), c.into_iden())
}

pub fn ix(name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    index
}

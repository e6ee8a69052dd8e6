"""Alembic environment for the SDK's own tables; run through familyhubs_sdk.store._migrate."""

from alembic import context

from familyhubs_sdk.store._migrate import VERSION_TABLE
from familyhubs_sdk.store._schema import metadata

engine = context.config.attributes.get("engine")
if engine is None:
    raise RuntimeError("run migrations through familyhubs_sdk.store.upgrade()")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        transaction_per_migration=True,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()

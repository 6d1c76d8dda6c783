#!/bin/sh
# Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d), as the
# database owner ToolHost connects as. Creates the role Grafana reads with: it may SELECT
# every table and view ToolHost's migrations create later (default privileges of the owner),
# in `public` and in `training_data` (created here already so that it can be granted), and
# nothing else — the Explore tab of Grafana must not be able to change ToolHost's data.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v reader="$GRAFANA_DB_USER" -v reader_password="$GRAFANA_DB_PASSWORD" <<'SQL'
CREATE ROLE :"reader" LOGIN PASSWORD :'reader_password';
CREATE SCHEMA IF NOT EXISTS training_data;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"reader";
GRANT USAGE ON SCHEMA public, training_data TO :"reader";
GRANT SELECT ON ALL TABLES IN SCHEMA public, training_data TO :"reader";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO :"reader";
ALTER DEFAULT PRIVILEGES IN SCHEMA training_data GRANT SELECT ON TABLES TO :"reader";
ALTER ROLE :"reader" SET default_transaction_read_only = on;
ALTER ROLE :"reader" SET statement_timeout = '30s';
SQL

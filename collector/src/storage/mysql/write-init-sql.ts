#!/usr/bin/env node
// npm run db:schema — renders db/init_database.sql from the migrations (atomically: temp + rename).
import { renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderInitSql } from "./init-sql.js";

const target = fileURLToPath(new URL("../../../../../db/init_database.sql", import.meta.url));
writeFileSync(`${target}.tmp`, renderInitSql());
renameSync(`${target}.tmp`, target);
console.log(`wrote ${target}`);

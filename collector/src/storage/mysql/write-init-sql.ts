#!/usr/bin/env node
// npm run db:schema — renders db/init_database.sql from the migrations, and the samples columns
// table of db/README.md from the column catalog (each atomically: temp + rename).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { withColumnsDoc } from "../columns-doc.js";
import { renderInitSql } from "./init-sql.js";

const db = (name: string): string => fileURLToPath(new URL(`../../../../../db/${name}`, import.meta.url));

function replace(target: string, text: string): void {
  writeFileSync(`${target}.tmp`, text);
  renameSync(`${target}.tmp`, target);
  console.log(`wrote ${target}`);
}

replace(db("init_database.sql"), renderInitSql());
replace(db("README.md"), withColumnsDoc(readFileSync(db("README.md"), "utf8")));

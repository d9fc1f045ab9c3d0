import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * One hop from a procedure to its rule: a procedure validates, authorizes and calls one domain
 * function (packages/engine, or packages/api/src/auth for accounts); it never queries Prisma
 * itself. So every rule about orders, decisions, runs… is found where their writes are.
 *
 * A router may hand the client to a domain function (`readPhaseReport(ctx.services.prisma)`,
 * or the whole `ctx.services`), nothing more: no member of the client is touched here (no
 * `prisma.workOrder.findMany`, no `ctx.services.prisma.$queryRaw`), the client is not renamed
 * (which would hide such a call from this check), and nothing is imported from Prisma.
 */

const ROUTERS = import.meta.dirname;
const PRISMA_MODULES = /^(@prisma\/|@qmc\/db($|\/))|\/generated\/prisma\//;

/** Where the source reaches into Prisma, as "line: what". */
function prismaUses(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    found.push(`${line + 1}: ${what}`);
  };
  const isClient = (node: ts.Node) =>
    (ts.isIdentifier(node) && node.text === "prisma") ||
    (ts.isPropertyAccessExpression(node) && node.name.text === "prisma");

  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      PRISMA_MODULES.test(node.moduleSpecifier.text)
    ) {
      report(node, `imports ${node.moduleSpecifier.text}`);
    } else if (
      (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) &&
      isClient(node.expression)
    ) {
      report(node, `queries Prisma: ${node.getText(file)}`);
    } else if (ts.isVariableDeclaration(node) && node.initializer && isClient(node.initializer)) {
      report(node, `renames the Prisma client: ${node.getText(file)}`);
    } else if (
      ts.isBindingElement(node) &&
      node.propertyName &&
      ts.isIdentifier(node.propertyName) &&
      node.propertyName.text === "prisma"
    ) {
      report(node, `renames the Prisma client: ${node.getText(file)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function routerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return routerFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("routers reach Prisma only through a domain function", () => {
  const files = routerFiles(ROUTERS).map((path) => relative(ROUTERS, path));

  it("checks every router", () => {
    expect(files).toEqual(
      expect.arrayContaining(["work-orders/work-orders-router.ts", "auth/auth-router.ts"]),
    );
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)("%s", (file) => {
    expect(prismaUses(file, readFileSync(join(ROUTERS, file), "utf8"))).toEqual([]);
  });

  it("tells each way of reaching into Prisma, and lets the client be handed on", () => {
    const source = [
      'import type { Prisma } from "@qmc/db";',
      "const rows = await ctx.services.prisma.gateDecision.findMany({ where });",
      "const { prisma } = ctx.services;",
      "await prisma.workOrder.findUnique({ where: { id } });",
      "const db = ctx.services.prisma;",
      "const { prisma: client } = ctx.services;",
      'await ctx.services.prisma["$queryRaw"]`SELECT 1`;',
      "// prisma.workOrder in a comment is no query",
      "readPhaseReport(ctx.services.prisma);",
      "cancelWorkOrder({ prisma, queues }, id);",
      "previewRollout(ctx.services, input);",
    ].join("\n");
    expect(prismaUses("sample.ts", source)).toEqual([
      "1: imports @qmc/db",
      "2: queries Prisma: ctx.services.prisma.gateDecision",
      "4: queries Prisma: prisma.workOrder",
      "5: renames the Prisma client: db = ctx.services.prisma",
      "6: renames the Prisma client: prisma: client",
      '7: queries Prisma: ctx.services.prisma["$queryRaw"]',
    ]);
  });
});

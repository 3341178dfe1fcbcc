// A typed client of the learning walks API, doing what a partner's sync
// does: reads the viewer, pages through every walk in the caller's scope,
// builds a copy of the walks from the change feed, and plans a walk by
// its own id with an idempotency key, twice, as a retry would. Prints one
// JSON summary.
//
//   node dist/src/client.js GRAPHQL_URL TOKEN [PAGE_SIZE]
//
// Its documents and result types are generated from schema.graphql, so a
// field renamed or removed there fails codegen or tsc before this runs.

import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

import {
  ChangesDocument,
  PlannableDocument,
  PlanWalkDocument,
  ViewerDocument,
  WalksPageDocument,
} from "../generated/graphql.js";
import type { ChangesQuery, WalksPageQuery } from "../generated/graphql.js";

/** A GraphQL-over-HTTP response body. */
interface Response<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Runs typed documents against one endpoint with one bearer token. */
class Client {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** The operation's data; throws on an HTTP or GraphQL error. */
  async request<Data, Variables>(
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
  ): Promise<Data> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.token}`,
        "content-type": "application/json",
        accept: "application/graphql-response+json",
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json()) as Response<Data>;
    if (!response.ok || body.errors?.length || !body.data) {
      throw new Error(`${response.status}: ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data;
  }
}

/** Every walk id, newest first, following `endCursor` page by page. */
async function allWalks(client: Client, first: number) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  let totalCount = 0;
  for (;;) {
    const { walks }: WalksPageQuery = await client.request(WalksPageDocument, {
      first,
      after,
    });
    pages += 1;
    totalCount = walks.totalCount;
    ids.push(...walks.nodes.map((walk) => walk.id));
    if (!walks.pageInfo.hasNextPage) {
      return { ids, pages, totalCount };
    }
    if (walks.pageInfo.endCursor == null || walks.nodes.length === 0) {
      throw new Error(`page ${pages} says there is more but gives no cursor`);
    }
    after = walks.pageInfo.endCursor;
  }
}

/** The walks a copy kept from the change feed holds: id to status. */
async function syncWalks(client: Client) {
  const copy = new Map<string, string>();
  let after: string | null = null;
  for (;;) {
    const { changes }: ChangesQuery = await client.request(ChangesDocument, { after });
    for (const { node } of changes.edges) {
      if (node.recordType !== "Walk") continue;
      const record = node.record;
      if (node.operation === "UPSERT" && record?.__typename === "Walk") {
        copy.set(node.recordId, record.status);
      } else {
        copy.delete(node.recordId);
      }
    }
    after = changes.pageInfo.endCursor ?? after;
    if (!changes.pageInfo.hasNextPage) return copy;
  }
}

/** Plans one walk by its own id; the second call is a retry. */
async function planTwice(client: Client) {
  const { schools, protocols } = await client.request(PlannableDocument, {});
  const school = schools.nodes[0];
  const protocol = protocols.nodes.find((p) => p.status === "PUBLISHED");
  if (!school || !protocol) throw new Error("no school or published protocol to plan with");
  const input = {
    externalId: "ts-client-walk-1",
    idempotencyKey: "ts-client-outbox-1",
    schoolUrn: school.urn,
    protocolId: protocol.id,
    date: "2026-06-01",
    purpose: "See how the typed client plans a walk",
    observers: [{ reference: "ts-lead", displayName: "Typed Lead", role: "LEAD" as const }],
  };
  const answers = [];
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const { upsertWalk } = await client.request(PlanWalkDocument, { input });
    if (upsertWalk.userErrors.length > 0) {
      throw new Error(`refused: ${JSON.stringify(upsertWalk.userErrors)}`);
    }
    answers.push({ created: upsertWalk.created, id: upsertWalk.walk?.id ?? null });
  }
  return answers;
}

async function main(argv: string[]): Promise<void> {
  const [url, token, size = "2"] = argv;
  const first = Number(size);
  if (!url || !token || !Number.isInteger(first) || first < 1) {
    throw new Error("usage: client.js GRAPHQL_URL TOKEN [PAGE_SIZE]");
  }
  const client = new Client(url, token);

  const { viewer } = await client.request(ViewerDocument, {});
  const { ids, pages, totalCount } = await allWalks(client, first);

  const copy = await syncWalks(client);
  const planned = await planTwice(client);

  const summary = {
    viewer: {
      trustUid: viewer.trustUid,
      trust: viewer.trust?.name ?? null,
      roles: viewer.roles,
      canWrite: viewer.canWrite,
    },
    totalCount,
    walks: ids.length,
    pages,
    ids,
    synced: [...copy.keys()].sort(),
    planned,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

// A typed client of the learning walks API: reads the viewer, pages
// through every walk in the caller's scope and prints one JSON summary.
//
//   node dist/src/client.js GRAPHQL_URL TOKEN [PAGE_SIZE]
//
// Its documents and result types are generated from schema.graphql, so a
// field renamed or removed there fails codegen or tsc before this runs.

import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

import { ViewerDocument, WalksPageDocument } from "../generated/graphql.js";
import type { WalksPageQuery } from "../generated/graphql.js";

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

async function main(argv: string[]): Promise<void> {
  const [url, token, size = "2"] = argv;
  const first = Number(size);
  if (!url || !token || !Number.isInteger(first) || first < 1) {
    throw new Error("usage: client.js GRAPHQL_URL TOKEN [PAGE_SIZE]");
  }
  const client = new Client(url, token);

  const { viewer } = await client.request(ViewerDocument, {});
  const { ids, pages, totalCount } = await allWalks(client, first);

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
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

/** One page of a list, newest first; `nextCursor` is the last id of this page when more follow. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
  /**
   * A cursor was given, the page is empty and no row of the list has that id: the cursor was
   * never this list's. (Prisma answers an empty page for a missing cursor row, which would read
   * as "no more"; the procedure refuses such a cursor instead.)
   */
  unknownCursor: boolean;
}

export interface CursorPageRequest {
  /** The last id of the previous page. */
  cursor?: string | undefined;
  limit: number;
}

/** Prisma's paging arguments: one row more than the page, to know whether another page follows. */
export function cursorPageArgs(request: CursorPageRequest) {
  return {
    take: request.limit + 1,
    ...(request.cursor ? { cursor: { id: request.cursor }, skip: 1 } : {}),
  };
}

/** The page of rows read with {@link cursorPageArgs}; an empty page after a cursor checks that row once. */
export async function cursorPageOf<T extends { id: string }>(
  rows: T[],
  request: CursorPageRequest,
  rowExists: (id: string) => Promise<unknown>,
): Promise<CursorPage<T>> {
  const unknownCursor =
    request.cursor !== undefined && rows.length === 0 && !(await rowExists(request.cursor));
  const items = rows.slice(0, request.limit);
  return {
    items,
    nextCursor: rows.length > request.limit ? (items.at(-1)?.id ?? null) : null,
    unknownCursor,
  };
}

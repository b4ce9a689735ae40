using System.Runtime.CompilerServices;

namespace Watchtower.Cli.Tail;

/// <summary>
/// Merges sequences that are each in time order (one FilterLogEvents call's pages, per group and stream chunk) into
/// one, as they are read: the first events print before the last page is fetched, and memory holds one event per
/// sequence, however long the range.
/// </summary>
internal static class TimeOrderMerge
{
    public static async IAsyncEnumerable<TailEvent> MergeAsync(IReadOnlyList<IAsyncEnumerable<TailEvent>> sources, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (sources.Count == 1)
        {
            await foreach (TailEvent e in sources[0].WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }

            yield break;
        }

        var readers = sources.Select(s => s.GetAsyncEnumerator(cancellationToken)).ToList();
        var next = new PriorityQueue<int, TailEvent>(Comparer<TailEvent>.Create(TailEvent.Compare));
        try
        {
            for (int i = 0; i < readers.Count; i++)
            {
                if (await readers[i].MoveNextAsync().ConfigureAwait(false))
                {
                    next.Enqueue(i, readers[i].Current);
                }
            }

            while (next.TryDequeue(out int i, out TailEvent? e))
            {
                yield return e;
                if (await readers[i].MoveNextAsync().ConfigureAwait(false))
                {
                    next.Enqueue(i, readers[i].Current);
                }
            }
        }
        finally
        {
            foreach (IAsyncEnumerator<TailEvent> reader in readers)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

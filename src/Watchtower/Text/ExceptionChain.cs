namespace Watchtower.Text;

/// <summary>
/// Walks an exception and its inner exceptions for both formats, never through <see cref="Exception.ToString"/>,
/// which recurses without limit: a chain that loops (built by reflection or a broken library) overflowed the stack and
/// killed the process. Public for adapters, which write exceptions in their own formats by the same rules. At most <see cref="MaxDepth"/> levels are written; deeper ones are counted, and an inner
/// exception that repeats an outer one is marked as a cycle instead of being written again.
/// </summary>
public static class ExceptionChain
{
    /// <summary>The deepest level written, the outermost exception being level 0.</summary>
    public const int MaxDepth = 8;

    // Counting what is left out stops here: a chain of a million is reported as this many.
    private const int MaxCounted = 10_000;

    /// <summary>A set of exceptions by reference (exceptions may override Equals).</summary>
    public static HashSet<Exception> NewSeenSet() => new(ReferenceEqualityComparer.Instance);

    /// <summary>The exceptions directly inside <paramref name="exception"/>: an AggregateException's several, else its one inner exception.</summary>
    public static IReadOnlyList<Exception> InnersOf(Exception exception)
    {
        try
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count > 1)
            {
                return aggregate.InnerExceptions;
            }

            return exception.InnerException is { } inner ? [inner] : [];
        }
        catch (Exception)
        {
            return [];
        }
    }

    /// <summary>How many exceptions the tree under (and including) <paramref name="exception"/> holds, not counting those already seen.</summary>
    public static int CountTree(Exception exception, HashSet<Exception> seen)
    {
        int count = 0;
        var pending = new Stack<Exception>();
        pending.Push(exception);
        while (pending.TryPop(out Exception? next) && count < MaxCounted)
        {
            if (!seen.Add(next))
            {
                continue;
            }

            count++;
            foreach (Exception inner in InnersOf(next))
            {
                pending.Push(inner);
            }
        }

        return count;
    }

    /// <summary>The exception's type name, as <see cref="Exception.ToString"/> writes it.</summary>
    public static string TypeName(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;
}

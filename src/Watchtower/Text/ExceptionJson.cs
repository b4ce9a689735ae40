using System.Text.Json;

namespace Watchtower.Text;

/// <summary>
/// Writes an exception as a JSON object, the shape every Watchtower adapter ships: <c>type</c>, <c>message</c>,
/// <c>stackTrace</c> (when thrown), then <c>inner</c> (one inner exception) or <c>innerExceptions</c> (an
/// AggregateException's several), by <see cref="ExceptionChain"/>'s rules: at most 8 levels deep, with
/// <c>omittedInnerExceptions</c> counting deeper ones, and <c>"cycle":true</c> where an inner exception repeats an
/// outer one. It never calls <see cref="Exception.ToString"/> and never throws for a property that does.
/// </summary>
public static class ExceptionJson
{
    /// <summary>Writes <paramref name="exception"/> as the next value of <paramref name="writer"/>.</summary>
    /// <param name="writer">Where to write: an object's property name, or an array's next element, must be due.</param>
    /// <param name="exception">The exception.</param>
    public static void Write(Utf8JsonWriter writer, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(exception);
        Write(writer, exception, depth: 0, ExceptionChain.NewSeenSet());
    }

    internal static void Write(Utf8JsonWriter writer, Exception exception, int depth, HashSet<Exception> seen)
    {
        seen.Add(exception);
        writer.WriteStartObject();
        writer.WriteString("type", ExceptionChain.TypeName(exception));
        writer.WriteString("message", Read(() => exception.Message));
        string? stack = Read(() => exception.StackTrace);
        if (stack is not null)
        {
            writer.WriteString("stackTrace", stack);
        }

        IReadOnlyList<Exception> inners = ExceptionChain.InnersOf(exception);
        int omitted = 0;
        bool cycle = false;
        var written = new List<Exception>(inners.Count);
        foreach (Exception inner in inners)
        {
            if (seen.Contains(inner))
            {
                cycle = true;
            }
            else if (depth >= ExceptionChain.MaxDepth)
            {
                omitted += ExceptionChain.CountTree(inner, seen);
            }
            else
            {
                written.Add(inner);
            }
        }

        if (inners.Count > 1 && written.Count > 0)
        {
            writer.WriteStartArray("innerExceptions");
            foreach (Exception inner in written)
            {
                Write(writer, inner, depth + 1, seen);
            }

            writer.WriteEndArray();
        }
        else if (written.Count == 1)
        {
            writer.WritePropertyName("inner");
            Write(writer, written[0], depth + 1, seen);
        }

        if (cycle)
        {
            // The inner exception is one of the outer ones again: writing it would never end.
            writer.WriteBoolean("cycle", true);
        }

        if (omitted > 0)
        {
            writer.WriteNumber("omittedInnerExceptions", omitted);
        }

        writer.WriteEndObject();
    }

    /// <summary>The exception's message, or a note that reading it threw.</summary>
    internal static string SafeMessage(Exception exception) => Read(() => exception.Message) ?? string.Empty;

    private static string? Read(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (Exception e)
        {
            return $"[unreadable: {e.GetType().Name}]";
        }
    }
}

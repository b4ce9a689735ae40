using System.Text;

namespace Watchtower.Text;

/// <summary>
/// An exception as text, in the shape <see cref="Exception.ToString"/> gives (type, message, inner exceptions after
/// " ---> ", stack traces), but written by <see cref="ExceptionChain"/>'s rules: bounded depth, cycles marked. The
/// text format of the MEL provider and of every adapter writes exceptions this way.
/// </summary>
public static class ExceptionText
{
    /// <summary>Describes <paramref name="exception"/>; never throws (an exception whose members throw is described by its type).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The description, over several lines when there are stack traces.</returns>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        try
        {
            var text = new StringBuilder();
            Append(text, exception, depth: 0, ExceptionChain.NewSeenSet());
            return text.ToString();
        }
        catch (Exception e)
        {
            return $"{ExceptionChain.TypeName(exception)} [could not be described: {e.GetType().Name}]";
        }
    }

    private static void Append(StringBuilder text, Exception exception, int depth, HashSet<Exception> seen)
    {
        seen.Add(exception);
        text.Append(ExceptionChain.TypeName(exception));
        string? message = Read(() => exception.Message);
        if (!string.IsNullOrEmpty(message))
        {
            text.Append(": ").Append(message);
        }

        IReadOnlyList<Exception> inners = ExceptionChain.InnersOf(exception);
        int omitted = 0;
        for (int i = 0; i < inners.Count; i++)
        {
            Exception inner = inners[i];
            string arrow = inners.Count > 1 ? $" ---> (Inner Exception #{i}) " : " ---> ";
            if (seen.Contains(inner))
            {
                text.Append(arrow).Append("[cycle: ").Append(ExceptionChain.TypeName(inner)).Append(" repeats an outer exception]");
            }
            else if (depth >= ExceptionChain.MaxDepth)
            {
                omitted += ExceptionChain.CountTree(inner, seen);
            }
            else
            {
                text.Append(arrow);
                Append(text, inner, depth + 1, seen);
                text.Append("\n   --- End of inner exception stack trace ---");
            }
        }

        if (omitted > 0)
        {
            text.Append(" ---> [").Append(omitted).Append(omitted == 1 ? " more inner exception left out]" : " more inner exceptions left out]");
        }

        string? stack = Read(() => exception.StackTrace);
        if (!string.IsNullOrEmpty(stack))
        {
            text.Append('\n').Append(stack);
        }
    }

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

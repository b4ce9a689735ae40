using System.Text;
using Watchtower.Text;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// An exception as text, in the shape <see cref="Exception.ToString"/> gives (type, message, inner exceptions after
/// " ---> ", stack traces), but written by <see cref="ExceptionChain"/>'s rules: bounded depth, cycles marked.
/// </summary>
internal static class ExceptionText
{
    public static string Describe(Exception exception)
    {
        var text = new StringBuilder();
        Append(text, exception, depth: 0, ExceptionChain.NewSeenSet());
        return text.ToString();
    }

    private static void Append(StringBuilder text, Exception exception, int depth, HashSet<Exception> seen)
    {
        seen.Add(exception);
        text.Append(ExceptionChain.TypeName(exception));
        string? message = Guard.Read(() => exception.Message);
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

        string? stack = Guard.Read(() => exception.StackTrace);
        if (!string.IsNullOrEmpty(stack))
        {
            text.Append('\n').Append(stack);
        }
    }
}

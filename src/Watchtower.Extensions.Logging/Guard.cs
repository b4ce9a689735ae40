namespace Watchtower.Extensions.Logging;

/// <summary>Reads of the caller's objects that may throw (a broken ToString or property): the formatter never does.</summary>
internal static class Guard
{
    /// <summary>The value's ToString(), or a note that it threw.</summary>
    public static string ToText(object? value)
    {
        try
        {
            return value?.ToString() ?? string.Empty;
        }
        catch (Exception e)
        {
            return $"[{value!.GetType().Name}.ToString() threw {e.GetType().Name}]";
        }
    }

    /// <summary>A read that may throw, or a note that it did.</summary>
    public static string? Read(Func<string?> read)
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

using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Watchtower.Shipping;

/// <summary>
/// A parsed stream-name template (watchtower's <c>str.format</c> syntax). Parsing happens once at startup, so an
/// unknown placeholder fails there rather than on every event; rendering makes a name CloudWatch accepts.
/// </summary>
internal sealed class StreamNameTemplate
{
    public const int MaxLength = 512;

    private readonly Segment[] _segments;

    private StreamNameTemplate(Segment[] segments, string template)
    {
        _segments = segments;
        Template = template;
        DependsOnTime = segments.Any(s => s.Kind is SegmentKind.Strftime or SegmentKind.Utc);
        DependsOnThread = segments.Any(s => s.Kind == SegmentKind.ThreadName);
        long bucket = TimeSpan.TicksPerDay;
        foreach (Segment segment in segments)
        {
            long unit = segment.Kind switch
            {
                SegmentKind.Strftime => StrftimeUnit(segment.Argument),
                SegmentKind.Utc => DotNetFormatUnit(segment.Argument),
                _ => TimeSpan.TicksPerDay,
            };
            bucket = Math.Min(bucket, unit);
        }

        TimeBucketTicks = bucket;
    }

    private enum SegmentKind
    {
        Literal,
        MachineName,
        ProgramName,
        LoggerName,
        ProcessId,
        ThreadName,
        Strftime,
        Utc,
    }

    public string Template { get; }

    /// <summary>Whether the name changes with the event's time; if not, a name can be cached per logger and thread.</summary>
    public bool DependsOnTime { get; }

    /// <summary>
    /// For a name that depends on time: the span (in ticks, aligned to midnight UTC) within which it cannot change, so
    /// that it can be rendered once per span; 0 when it may change at any moment (fractions of a second).
    /// </summary>
    public long TimeBucketTicks { get; }

    /// <summary>Whether the name changes with the calling thread.</summary>
    public bool DependsOnThread { get; }

    /// <summary>The host name, as watchtower's <c>platform.node()</c>.</summary>
    public static string MachineName { get; } = Environment.MachineName;

    /// <summary>The program's name: the entry assembly's name, else the process name.</summary>
    public static string ProgramName { get; } =
        Assembly.GetEntryAssembly()?.GetName().Name ?? Process.GetCurrentProcess().ProcessName;

    public static string ProcessId { get; } = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public static StreamNameTemplate Parse(string template) =>
        TryParse(template, out StreamNameTemplate? parsed, out string? error) ? parsed : throw new ArgumentException(error, nameof(template));

    public static bool TryParse(string? template, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StreamNameTemplate? parsed, out string? error)
    {
        parsed = null;
        if (string.IsNullOrEmpty(template))
        {
            error = "the stream-name template is empty.";
            return false;
        }

        var segments = new List<Segment>();
        var literal = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '}' )
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    literal.Append('}');
                    i++;
                    continue;
                }

                error = $"'{template}' has a '}}' at position {i} that closes nothing; write '}}}}' for a literal brace.";
                return false;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            int close = template.IndexOf('}', i + 1);
            if (close < 0)
            {
                error = $"'{template}' has a '{{' at position {i} that is never closed; write '{{{{' for a literal brace.";
                return false;
            }

            string placeholder = template[(i + 1)..close];
            if (!TryParsePlaceholder(placeholder, out Segment? segment, out error))
            {
                error = $"'{template}': {error}";
                return false;
            }

            if (literal.Length > 0)
            {
                segments.Add(new Segment(SegmentKind.Literal, literal.ToString()));
                literal.Clear();
            }

            segments.Add(segment);
            i = close;
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(SegmentKind.Literal, literal.ToString()));
        }

        parsed = new StreamNameTemplate([.. segments], template);
        error = null;
        return true;
    }

    /// <summary>Renders the name for one event and makes it acceptable to CloudWatch.</summary>
    public string Render(string loggerName, string threadName, DateTimeOffset timestamp)
    {
        var name = new StringBuilder(64);
        foreach (Segment segment in _segments)
        {
            name.Append(segment.Kind switch
            {
                SegmentKind.Literal => segment.Argument,
                SegmentKind.MachineName => MachineName,
                SegmentKind.ProgramName => ProgramName,
                SegmentKind.LoggerName => loggerName,
                SegmentKind.ProcessId => ProcessId,
                SegmentKind.ThreadName => threadName,
                SegmentKind.Strftime => Strftime.Format(segment.Argument, timestamp),
                SegmentKind.Utc => timestamp.UtcDateTime.ToString(segment.Argument, CultureInfo.InvariantCulture),
                _ => string.Empty,
            });
        }

        return Sanitize(name);
    }

    /// <summary>Replaces ':' and '*' (which CloudWatch forbids in stream names) and cuts to 512 characters without splitting a surrogate pair.</summary>
    internal static string Sanitize(StringBuilder name)
    {
        name.Replace(':', '_').Replace('*', '_');
        if (name.Length > MaxLength)
        {
            int length = char.IsHighSurrogate(name[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
            name.Length = length;
        }

        return name.Length == 0 ? "_" : name.ToString();
    }

    private static bool TryParsePlaceholder(string placeholder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Segment? segment, out string? error)
    {
        segment = null;
        error = null;
        int colon = placeholder.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? placeholder : placeholder[..colon];
        string? argument = colon < 0 ? null : placeholder[(colon + 1)..];
        SegmentKind? kind = name switch
        {
            "machine_name" => SegmentKind.MachineName,
            "program_name" => SegmentKind.ProgramName,
            "logger_name" => SegmentKind.LoggerName,
            "process_id" => SegmentKind.ProcessId,
            "thread_name" => SegmentKind.ThreadName,
            "strftime" => SegmentKind.Strftime,
            "utc" => SegmentKind.Utc,
            _ => null,
        };
        if (kind is null)
        {
            error = $"unknown placeholder '{{{placeholder}}}'; use {{machine_name}}, {{program_name}}, {{logger_name}}, {{process_id}}, {{thread_name}}, {{strftime:FORMAT}} or {{utc:FORMAT}}.";
            return false;
        }

        if (kind is SegmentKind.Strftime or SegmentKind.Utc)
        {
            if (string.IsNullOrEmpty(argument))
            {
                error = $"'{{{name}}}' needs a format, such as {(kind == SegmentKind.Strftime ? "{strftime:%Y-%m-%d}" : "{utc:yyyy-MM-dd}")}.";
                return false;
            }

            if (kind == SegmentKind.Strftime && !Strftime.IsValid(argument, out error))
            {
                return false;
            }

            if (kind == SegmentKind.Utc)
            {
                try
                {
                    _ = DateTime.UnixEpoch.ToString(argument, CultureInfo.InvariantCulture);
                }
                catch (FormatException)
                {
                    error = $"'{argument}' in '{{utc:{argument}}}' is not a valid .NET date format.";
                    return false;
                }
            }
        }
        else if (argument is not null)
        {
            error = $"'{{{name}}}' takes no format.";
            return false;
        }

        segment = new Segment(kind.Value, argument ?? string.Empty);
        return true;
    }

    /// <summary>The finest unit a strftime format shows: a day for dates, an hour, a minute, a second, or 0 for fractions.</summary>
    private static long StrftimeUnit(string format)
    {
        long unit = TimeSpan.TicksPerDay;
        for (int i = 0; i + 1 < format.Length; i++)
        {
            if (format[i] != '%')
            {
                continue;
            }

            i++;
            unit = Math.Min(unit, format[i] switch
            {
                'f' => 0,
                'S' or 'T' or 'X' or 'c' or 'r' => TimeSpan.TicksPerSecond,
                'M' or 'R' => TimeSpan.TicksPerMinute,
                'H' or 'I' or 'p' => TimeSpan.TicksPerHour,
                _ => TimeSpan.TicksPerDay,
            });
        }

        return unit;
    }

    /// <summary>The same for a .NET date format; a one-letter standard format other than a date counts as fractions, to be safe.</summary>
    private static long DotNetFormatUnit(string format)
    {
        if (format.Length == 1)
        {
            return format[0] is 'd' or 'D' or 'M' or 'm' or 'Y' or 'y' ? TimeSpan.TicksPerDay : 0;
        }

        if (format.AsSpan().IndexOfAny('f', 'F') >= 0)
        {
            return 0;
        }

        if (format.Contains('s', StringComparison.Ordinal))
        {
            return TimeSpan.TicksPerSecond;
        }

        if (format.Contains('m', StringComparison.Ordinal))
        {
            return TimeSpan.TicksPerMinute;
        }

        return format.AsSpan().IndexOfAny('H', 'h', 't') >= 0 ? TimeSpan.TicksPerHour : TimeSpan.TicksPerDay;
    }

    private sealed record Segment(SegmentKind Kind, string Argument);
}

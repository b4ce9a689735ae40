using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// Binds <c>Logging:CloudWatch</c> to <see cref="CloudWatchLoggerOptions"/> by hand, from the known set of keys. No
/// reflection: under Native AOT and trimming on the Microsoft.Extensions 10.x stack the reflection binder bound nothing
/// at all, silently (the app shipped to group "watchtower" at the public endpoint). Knowing every key also lets it
/// name a misspelt one's nearest option, and report every invalid value at once, each with its section path and what
/// it may be, instead of failing on the first with an exception that names neither.
/// </summary>
internal static class CloudWatchOptionsBinder
{
    /// <summary>The section the provider reads, as users write it (its alias).</summary>
    public const string SectionPath = "Logging:CloudWatch";

    // Keys of the section that belong to Microsoft.Extensions.Logging itself, not to these options.
    private static readonly HashSet<string> s_loggingKeys = new(StringComparer.OrdinalIgnoreCase) { "LogLevel" };

    private static readonly Dictionary<string, Action<CloudWatchLoggerOptions, string>> s_setters = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(CloudWatchLoggerOptions.LogGroupName)] = (o, v) => o.LogGroupName = v,
        [nameof(CloudWatchLoggerOptions.LogStreamName)] = (o, v) => o.LogStreamName = v,
        [nameof(CloudWatchLoggerOptions.SendInterval)] = (o, v) => o.SendInterval = TimeSpanValue(v),
        [nameof(CloudWatchLoggerOptions.MaxBatchSize)] = (o, v) => o.MaxBatchSize = IntValue(v),
        [nameof(CloudWatchLoggerOptions.MaxBatchCount)] = (o, v) => o.MaxBatchCount = IntValue(v),
        [nameof(CloudWatchLoggerOptions.MaxMessageSize)] = (o, v) => o.MaxMessageSize = IntValue(v),
        [nameof(CloudWatchLoggerOptions.CreateLogGroup)] = (o, v) => o.CreateLogGroup = BoolValue(v),
        [nameof(CloudWatchLoggerOptions.CreateLogStream)] = (o, v) => o.CreateLogStream = BoolValue(v),
        [nameof(CloudWatchLoggerOptions.LogGroupRetentionDays)] = (o, v) => o.LogGroupRetentionDays = v.Length == 0 ? null : IntValue(v),
        [nameof(CloudWatchLoggerOptions.UseQueues)] = (o, v) => o.UseQueues = BoolValue(v),
        [nameof(CloudWatchLoggerOptions.Region)] = (o, v) => o.Region = NullIfEmpty(v),
        [nameof(CloudWatchLoggerOptions.ProfileName)] = (o, v) => o.ProfileName = NullIfEmpty(v),
        [nameof(CloudWatchLoggerOptions.ServiceUrl)] = (o, v) => o.ServiceUrl = NullIfEmpty(v),
        [nameof(CloudWatchLoggerOptions.QueueLimit)] = (o, v) => o.QueueLimit = IntValue(v),
        [nameof(CloudWatchLoggerOptions.QueueByteLimit)] = (o, v) => o.QueueByteLimit = LongValue(v),
        [nameof(CloudWatchLoggerOptions.RetryTimeLimit)] = (o, v) => o.RetryTimeLimit = TimeSpanValue(v),
        [nameof(CloudWatchLoggerOptions.ReportDropsInStream)] = (o, v) => o.ReportDropsInStream = BoolValue(v),
        [nameof(CloudWatchLoggerOptions.QueueFullMode)] = (o, v) => o.QueueFullMode = EnumValue<QueueFullMode>(v),
        [nameof(CloudWatchLoggerOptions.QueueFullWaitTimeout)] = (o, v) => o.QueueFullWaitTimeout = TimeSpanValue(v),
        [nameof(CloudWatchLoggerOptions.ShutdownTimeout)] = (o, v) => o.ShutdownTimeout = TimeSpanValue(v),
        [nameof(CloudWatchLoggerOptions.MaxConcurrentSends)] = (o, v) => o.MaxConcurrentSends = IntValue(v),
        [nameof(CloudWatchLoggerOptions.BufferDirectory)] = (o, v) => o.BufferDirectory = NullIfEmpty(v),
        [nameof(CloudWatchLoggerOptions.BufferMaxBytes)] = (o, v) => o.BufferMaxBytes = LongValue(v),
        [nameof(CloudWatchLoggerOptions.BufferWriteInterval)] = (o, v) => o.BufferWriteInterval = TimeSpanValue(v),
        [nameof(CloudWatchLoggerOptions.BufferFsyncInterval)] = (o, v) => o.BufferFsyncInterval = TimeSpanValue(v),
        [nameof(CloudWatchLoggerOptions.BufferWaitForFsync)] = (o, v) => o.BufferWaitForFsync = BoolValue(v),
        [nameof(CloudWatchLoggerOptions.Format)] = (o, v) => o.Format = EnumValue<CloudWatchLogFormat>(v),
        [nameof(CloudWatchLoggerOptions.IncludeScopes)] = (o, v) => o.IncludeScopes = BoolValue(v),
    };

    // Sections (keys with children) among the options.
    private static readonly HashSet<string> s_sections = new(StringComparer.OrdinalIgnoreCase) { nameof(CloudWatchLoggerOptions.LogGroupTags) };

    /// <summary>Every key the section may hold, in the options' own spelling.</summary>
    public static IEnumerable<string> Keys => s_setters.Keys.Concat(s_sections).Concat(s_loggingKeys);

    /// <summary>
    /// Sets every option the section holds. Values that cannot be used are not set: each is described in the returned
    /// list (for the options validator to report with the rest). Keys that are not options are told to
    /// <paramref name="unknownKey"/>, with the nearest known key if one is near.
    /// </summary>
    public static IReadOnlyList<string> Bind(IConfiguration section, CloudWatchLoggerOptions options, Action<string, string?> unknownKey)
    {
        var problems = new List<string>();
        foreach (IConfigurationSection child in section.GetChildren())
        {
            string key = child.Key;
            string path = SectionPath + ":" + key;
            if (s_loggingKeys.Contains(key))
            {
                continue;
            }

            if (s_sections.Contains(key))
            {
                foreach (IConfigurationSection tag in child.GetChildren())
                {
                    options.LogGroupTags[tag.Key] = tag.Value ?? string.Empty;
                }

                continue;
            }

            if (!s_setters.TryGetValue(key, out Action<CloudWatchLoggerOptions, string>? set))
            {
                unknownKey(path, Nearest(key));
                continue;
            }

            if (child.Value is not { } value)
            {
                problems.Add($"{path} is a section, but {key} takes a single value.");
                continue;
            }

            try
            {
                set(options, value.Trim());
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                problems.Add($"{path}: '{value}' is not valid: {Reason(e)}");
            }
        }

        return problems;
    }

    /// <summary>The known key nearest to <paramref name="key"/> by edit distance, if it is near enough to be a slip; else null.</summary>
    public static string? Nearest(string key)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string known in Keys)
        {
            int distance = EditDistance(key.ToUpperInvariant(), known.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (known, distance);
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>Why a value was refused, in one sentence that says what the option takes.</summary>
    private static string Reason(Exception e)
    {
        string message = e.Message;
        int parameter = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return parameter >= 0 ? message[..parameter] : message;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static int IntValue(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number)
            ? number
            : throw new FormatException("use a whole number, such as 10000.");

    private static long LongValue(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long number)
            ? number
            : throw new FormatException("use a whole number, such as 67108864.");

    private static bool BoolValue(string value) =>
        bool.TryParse(value, out bool flag) ? flag : throw new FormatException("use true or false.");

    private static TimeSpan TimeSpanValue(string value) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out TimeSpan span)
            ? span
            : throw new FormatException("use a time span as hours:minutes:seconds, such as 00:00:10 for ten seconds.");

    private static TEnum EnumValue<TEnum>(string value)
        where TEnum : struct, Enum =>
        Enum.TryParse(value, ignoreCase: true, out TEnum parsed) && Enum.IsDefined(parsed) && !char.IsDigit(value[0]) && value[0] != '-'
            ? parsed
            : throw new FormatException($"use one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
}

using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// Applies <c>Logging:CloudWatch</c> to the provider's options with <see cref="CloudWatchOptionsBinder"/>. Values that
/// cannot be used are kept for <see cref="CloudWatchLoggerOptionsValidator"/>, which reports them together with every
/// other problem at startup; keys that are not options are warned about on stderr, once each.
/// </summary>
internal sealed class CloudWatchLoggerConfigureOptions : IConfigureOptions<CloudWatchLoggerOptions>
{
    private static readonly HashSet<string> s_warnedKeys = new(StringComparer.OrdinalIgnoreCase);

    private readonly ILoggerProviderConfiguration<CloudWatchLoggerProvider> _configuration;

    public CloudWatchLoggerConfigureOptions(ILoggerProviderConfiguration<CloudWatchLoggerProvider> configuration)
    {
        _configuration = configuration;
    }

    public void Configure(CloudWatchLoggerOptions options)
    {
        IReadOnlyList<string> problems = CloudWatchOptionsBinder.Bind(_configuration.Configuration, options, WarnUnknownKey);
        options.ConfigurationProblems.AddRange(problems);
    }

    private static void WarnUnknownKey(string path, string? nearest)
    {
        lock (s_warnedKeys)
        {
            if (!s_warnedKeys.Add(path))
            {
                return;
            }
        }

        string advice = nearest is null
            ? $"the options are {string.Join(", ", CloudWatchOptionsBinder.Keys.Order(StringComparer.Ordinal))}."
            : $"did you mean {nearest}?";
        StandardError.WriteLine($"Watchtower: {path} is not a Watchtower option and is ignored; {advice}");
    }
}

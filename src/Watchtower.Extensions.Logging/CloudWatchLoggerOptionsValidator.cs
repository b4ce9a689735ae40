using Microsoft.Extensions.Options;

namespace Watchtower.Extensions.Logging;

/// <summary>Checks options bound from configuration when they are first used, naming every problem at once.</summary>
internal sealed class CloudWatchLoggerOptionsValidator : IValidateOptions<CloudWatchLoggerOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudWatchLoggerOptions options)
    {
        IReadOnlyList<string> problems = options.Validate();
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(p => "Logging:CloudWatch: " + p));
    }
}

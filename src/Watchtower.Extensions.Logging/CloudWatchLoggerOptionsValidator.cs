using Microsoft.Extensions.Options;

namespace Watchtower.Extensions.Logging;

/// <summary>Checks options bound from configuration when they are first used, naming every problem at once.</summary>
internal sealed class CloudWatchLoggerOptionsValidator : IValidateOptions<CloudWatchLoggerOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudWatchLoggerOptions options)
    {
        // Values that could not be used at all first, then what the options themselves find wrong: all in one message.
        var problems = new List<string>(options.ConfigurationProblems);
        problems.AddRange(options.Validate().Select(p => CloudWatchOptionsBinder.SectionPath + ": " + p));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

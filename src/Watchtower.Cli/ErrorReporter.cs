using Watchtower.Cli.Output;

namespace Watchtower.Cli;

/// <summary>
/// Turns what a command threw into one line on stderr that names the fix, and an exit code (<see cref="ExitCodes"/>):
/// never a stack trace, and never credential material (the client's messages are already cleaned of it).
/// </summary>
internal static class ErrorReporter
{
    public static int Report(Exception error, CliConsole console, string? logGroup = null)
    {
        (string line, int code) = Describe(error, logGroup);
        console.Error.WriteLine(Ansi.Red("watchtower: ", console.UseColor && console.ErrorIsTerminal) + line);
        return code;
    }

    public static (string Line, int ExitCode) Describe(Exception error, string? logGroup) => error switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        CloudWatchLogsException { Kind: CloudWatchErrorKind.ResourceNotFound } e => (NotFound(e, logGroup), ExitCodes.NotFound),
        CloudWatchLogsException { ErrorCode: "MissingCredentials" } =>
            ("No AWS credentials were found. Pass --profile NAME (see 'aws configure --profile NAME'), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role.", ExitCodes.Setup),
        CloudWatchLogsException { Kind: CloudWatchErrorKind.AccessDenied } e =>
            ($"CloudWatch Logs refused the credentials for {e.Operation} ({e.ErrorCode}: {e.ServiceMessage}). Check --profile and that its role may call logs:{e.Operation}.", ExitCodes.AccessDenied),
        CloudWatchLogsException { ErrorCode: "NetworkError" } e =>
            ($"Cannot reach CloudWatch Logs ({e.ServiceMessage}). Check --endpoint-url and --region, and the network.", ExitCodes.Failed),
        CloudWatchLogsException e => ($"{e.Operation} failed: {e.ErrorCode}: {e.ServiceMessage}", ExitCodes.Failed),
        _ => ($"{error.GetType().Name}: {error.Message}", ExitCodes.Failed),
    };

    private static string NotFound(CloudWatchLogsException e, string? logGroup) =>
        logGroup is null
            ? $"{e.ServiceMessage} ({e.Operation}). List what there is with 'watchtower groups'."
            : $"The log group '{logGroup}' (or a stream named) does not exist in this region. List groups with 'watchtower groups', or check --region.";
}

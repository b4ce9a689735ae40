namespace Watchtower.Cli;

/// <summary>The exit codes of every <c>watchtower</c> command, as the README documents them.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>CloudWatch or the network refused or failed the request (the line on stderr says which).</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: a missing argument, an unknown option, a value that is not a time.</summary>
    public const int Usage = 2;

    /// <summary>The AWS setup is missing something: no region, no credentials, a profile that is not there.</summary>
    public const int Setup = 3;

    /// <summary>The log group (or stream) named does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>The credentials were refused or lack a permission.</summary>
    public const int AccessDenied = 5;

    /// <summary><c>send</c>: some lines were not delivered (the counts by reason are on stderr).</summary>
    public const int Dropped = 6;

    /// <summary>Stopped by Ctrl-C (SIGINT) before the command finished (not for <c>tail --follow</c>, where it is the way to stop).</summary>
    public const int Interrupted = 130;
}

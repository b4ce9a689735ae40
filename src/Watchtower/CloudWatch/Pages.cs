using System.Runtime.CompilerServices;

namespace Watchtower.CloudWatch;

/// <summary>
/// Every item of every page of a paged CloudWatch Logs call. The rule is the same for all of them: follow the token
/// the service returns, and stop when it returns none or the one it was sent (GetLogEvents marks its end that way,
/// and pages may be empty before it).
/// </summary>
internal static class Pages
{
    public static async IAsyncEnumerable<TItem> ReadAllAsync<TResponse, TItem>(
        string? firstToken,
        Func<string?, CancellationToken, Task<TResponse>> readPage,
        Func<TResponse, IEnumerable<TItem>> items,
        Func<TResponse, string?> nextToken,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = firstToken;
        do
        {
            TResponse page = await readPage(token, cancellationToken).ConfigureAwait(false);
            foreach (TItem item in items(page))
            {
                yield return item;
            }

            string? next = nextToken(page);
            token = string.IsNullOrEmpty(next) || next == token ? null : next;
        }
        while (token is not null);
    }
}

namespace Threadwork.Messaging;

/// <summary>
/// Exchange names and the patterns that match them, written as NATS writes subjects (so that a bridged
/// exchange's name is a valid subject): tokens separated by dots; in a pattern, <c>*</c> stands for
/// exactly one token and a final <c>&gt;</c> for one or more.
/// </summary>
internal sealed class SubjectPattern
{
    /// <summary>The pattern's tokens, <c>*</c> and <c>&gt;</c> included.</summary>
    private readonly string[] _tokens;

    /// <summary>True if the last token is <c>&gt;</c>.</summary>
    private readonly bool _tail;

    private SubjectPattern(string text, string[] tokens)
    {
        Text = text;
        _tokens = tokens;
        _tail = tokens[^1] == ">";
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>Checks an exchange name: non-empty dot-separated tokens, without wildcards or white space.</summary>
    /// <exception cref="ArgumentException">It is not a valid name; the message says why.</exception>
    public static void ValidateName(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, parameterName);
        foreach (var token in Split(name, "exchange name", parameterName))
        {
            if (token is "*" or ">" || token.Contains('*', StringComparison.Ordinal) || token.Contains('>', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The exchange name '{name}' contains a wildcard ('*' or '>'); wildcards belong in patterns only.", parameterName);
            }
        }
    }

    /// <summary>Parses a pattern such as <c>orders.*</c> or <c>orders.&gt;</c>.</summary>
    /// <exception cref="ArgumentException">It is not a valid pattern; the message says why.</exception>
    public static SubjectPattern Parse(string pattern, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern, parameterName);
        var tokens = Split(pattern, "pattern", parameterName);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var wildcard = token is "*" or ">";
            if (!wildcard && (token.Contains('*', StringComparison.Ordinal) || token.Contains('>', StringComparison.Ordinal)))
            {
                throw new ArgumentException($"The pattern '{pattern}' has '{token}': a wildcard must be a whole token ('orders.*', not 'orders.new*').", parameterName);
            }

            if (token == ">" && i != tokens.Length - 1)
            {
                throw new ArgumentException($"The pattern '{pattern}' has '>' before its last token; '>' matches the rest of a name, so it must come last.", parameterName);
            }
        }

        return new SubjectPattern(pattern, tokens);
    }

    /// <summary>True if <paramref name="name"/> (a valid exchange name) matches.</summary>
    public bool Matches(string name)
    {
        var tokens = name.Split('.');
        if (_tail ? tokens.Length < _tokens.Length : tokens.Length != _tokens.Length)
        {
            return false;
        }

        var fixedTokens = _tail ? _tokens.Length - 1 : _tokens.Length;
        for (var i = 0; i < fixedTokens; i++)
        {
            if (_tokens[i] != "*" && !string.Equals(_tokens[i], tokens[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;

    private static string[] Split(string text, string what, string parameterName)
    {
        var tokens = text.Split('.');
        foreach (var token in tokens)
        {
            if (token.Length == 0)
            {
                throw new ArgumentException($"The {what} '{text}' has an empty token; use non-empty names separated by single dots, e.g. 'orders.new'.", parameterName);
            }

            if (token.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"The {what} '{text}' contains white space.", parameterName);
            }
        }

        return tokens;
    }
}

using System.Globalization;
using System.Text;

namespace Lumenfall.Sdk.Generator;

/// <summary>Turns wire names and values into C# identifiers.</summary>
internal static class Naming
{
    /// <summary>
    /// <c>negative_prompt</c> → <c>NegativePrompt</c>, <c>Kling:3.0-omni</c> → <c>Kling30Omni</c>,
    /// <c>GPT-image-2</c> → <c>GptImage2</c>; a leading digit gets a <c>V</c> prefix.
    /// </summary>
    public static string Pascal(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (string part in SplitWords(text))
        {
            bool shout = part.Length > 2 && part.All(c => !char.IsLetter(c) || char.IsUpper(c));
            builder.Append(char.ToUpperInvariant(part[0]));
            builder.Append(shout ? part[1..].ToLowerInvariant() : part[1..]);
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, 'V');
        }

        return builder.ToString();
    }

    /// <summary>Lower-cases the first letter: <c>ImageCount</c> → <c>imageCount</c>.</summary>
    public static string Camel(string pascal) =>
        string.Create(CultureInfo.InvariantCulture, $"{char.ToLowerInvariant(pascal[0])}{pascal[1..]}");

    private static IEnumerable<string> SplitWords(string text)
    {
        var word = new StringBuilder();
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}

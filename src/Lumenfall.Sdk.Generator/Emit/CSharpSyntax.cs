using System.Globalization;
using System.Text;

namespace Lumenfall.Sdk.Generator.Emit;

/// <summary>C# text for values the emitters write: string literals, numbers, XML doc text and service names.</summary>
internal static class CSharpSyntax
{
    /// <summary>The <c>ImageService</c> member of a schema's <c>x-model.service</c>.</summary>
    public static string ServiceName(string service) => service switch
    {
        "lumenfall" => "Lumenfall",
        "fal" => "Fal",
        "omnirouters" => "OmniRouters",
        _ => throw new InvalidDataException($"Unknown service '{service}'."),
    };

    /// <summary>A decimal as a C# literal, or <c>null</c>.</summary>
    public static string Number(decimal? value) => value is decimal d ? d.ToString(CultureInfo.InvariantCulture) : "null";

    /// <summary>An integer as a C# literal, or <c>null</c>.</summary>
    public static string Int(int? value) => value is int i ? i.ToString(CultureInfo.InvariantCulture) : "null";

    /// <summary>A C# string literal.</summary>
    public static string Literal(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string Xml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

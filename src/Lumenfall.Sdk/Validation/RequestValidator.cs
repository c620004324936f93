using System.Globalization;

namespace Lumenfall.Sdk;

/// <summary>
/// Collects the rules a request breaks. Generated <c>Validate()</c> methods call one check per schema rule;
/// nothing here performs I/O.
/// </summary>
internal sealed class RequestValidator
{
    private readonly ValidationLevel level;

    private List<ValidationError>? _errors;
    private List<ValidationError>? _warnings;

    public RequestValidator(ValidationLevel level = ValidationLevel.Strict)
    {
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The validation level must be Strict, Lenient or None.");
        }

        this.level = level;
    }

    public IReadOnlyList<ValidationError> Errors => (IReadOnlyList<ValidationError>?)_errors ?? [];

    /// <summary>Gets the broken rules the level lets through: sent as given, to be logged.</summary>
    public IReadOnlyList<ValidationError> Warnings => (IReadOnlyList<ValidationError>?)_warnings ?? [];

    /// <summary>Records a broken rule: an error if <see cref="EnforcedUpTo"/> of its rule reaches the level, else a warning.</summary>
    public void Add(string parameter, string rule, string message)
    {
        ValidationLevel enforcedUpTo = EnforcedUpTo(rule);
        if (level <= enforcedUpTo)
        {
            string hint = enforcedUpTo == ValidationLevel.Strict ? "; ValidationLevel.Lenient would send it as given"
                : enforcedUpTo == ValidationLevel.Lenient ? "; only ValidationLevel.None would send it"
                : string.Empty;
            (_errors ??= []).Add(new ValidationError(parameter, rule, message + hint));
        }
        else
        {
            (_warnings ??= []).Add(new ValidationError(parameter, rule, message));
        }
    }

    /// <summary>
    /// The most lenient level that still refuses a rule. Value rules (unlisted values, ranges, sizes, item limits, a
    /// typed parameter repeated in <c>AdditionalProperties</c>) are relaxed from <see cref="ValidationLevel.Lenient"/> on;
    /// what would make the request unsendable or unsafe is refused at every level; the rest is structural.
    /// </summary>
    public static ValidationLevel EnforcedUpTo(string rule) => rule switch
    {
        ValidationRule.AllowedValues or ValidationRule.Minimum or ValidationRule.Maximum or ValidationRule.MaxItems
            or ValidationRule.SizeFormat or ValidationRule.SizeRange or ValidationRule.AspectRatioFormat
            or ValidationRule.DuplicateParameter => ValidationLevel.Strict,
        ValidationRule.Finite or ValidationRule.HeaderValue or ValidationRule.UrlRequired or ValidationRule.ReservedParameter
            or ValidationRule.NullItem or ValidationRule.ModelId => ValidationLevel.None,
        _ => ValidationLevel.Lenient,
    };

    public void ThrowIfInvalid(string modelId)
    {
        if (_errors is { Count: > 0 })
        {
            throw new LumenfallValidationException(_errors, modelId);
        }
    }

    public void Required(string parameter, object? value)
    {
        if (value is null)
        {
            Add(parameter, ValidationRule.Required, "is required");
        }
    }

    public void RequiredText(string parameter, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(parameter, ValidationRule.Required, "is required and must not be empty");
        }
    }

    public void Range(string parameter, double? value, double? minimum, double? maximum, bool exclusiveMinimum = false)
    {
        if (value is not double actual)
        {
            return;
        }

        if (!double.IsFinite(actual))
        {
            Add(parameter, ValidationRule.Finite, $"must be a finite number (was {Format(actual)})");
            return;
        }

        bool tooSmall = minimum is double lower && (exclusiveMinimum ? actual <= lower : actual < lower);
        bool tooLarge = maximum is double upper && actual > upper;
        if (!tooSmall && !tooLarge)
        {
            return;
        }

        string bounds = (minimum, maximum) switch
        {
            (double min, double max) when !exclusiveMinimum => $"between {Format(min)} and {Format(max)}",
            (double min, double max) => $"greater than {Format(min)} and at most {Format(max)}",
            (double min, null) => exclusiveMinimum ? $"greater than {Format(min)}" : $"at least {Format(min)}",
            (null, double max) => $"at most {Format(max)}",
            _ => "in range",
        };
        Add(parameter, tooSmall ? ValidationRule.Minimum : ValidationRule.Maximum, $"must be {bounds} (was {Format(actual)})");
    }

    public void AllowedValues(string parameter, string? value, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Add(parameter, ValidationRule.AllowedValues, $"must be one of {string.Join(", ", allowed)} (was '{value}')");
        }
    }

    public void Items<T>(string parameter, ICollection<T>? items, int? minItems, int? maxItems, string noun)
    {
        if (items is null)
        {
            return;
        }

        if (minItems is int min && items.Count < min)
        {
            Add(parameter, ValidationRule.MinItems, $"needs at least {min} {noun}{(min == 1 ? string.Empty : "s")} (was {items.Count})");
        }
        else if (maxItems is int max && items.Count > max)
        {
            Add(parameter, ValidationRule.MaxItems, $"accepts at most {max} {noun}{(max == 1 ? string.Empty : "s")} (was {items.Count})");
        }

        int index = 0;
        foreach (T item in items)
        {
            if (item is null)
            {
                Add($"{parameter}[{index}]", ValidationRule.NullItem, $"{noun} {index} is null");
            }

            index++;
        }
    }

    public void Size(string parameter, ImageSize? size, ImageSizeRules rules)
    {
        if (size is not ImageSize value)
        {
            return;
        }

        if (value is { Width: int width, Height: int height })
        {
            CheckPixels(parameter, value.Value, width, height, rules);
            return;
        }

        if ((rules.AllowAuto && value.IsAuto)
            || (rules.AllowAspectRatio && value.IsAspectRatio)
            || rules.Presets.Contains(value.Value, StringComparer.Ordinal))
        {
            return;
        }

        var forms = new List<string> { "WxH pixels (e.g. 1024x1024)" };
        if (rules.AllowAspectRatio)
        {
            forms.Add("W:H (e.g. 16:9)");
        }

        if (rules.AllowAuto)
        {
            forms.Add("auto");
        }

        if (rules.Presets.Count > 0)
        {
            forms.Add("a preset (" + string.Join(", ", rules.Presets) + ")");
        }

        string joined = forms.Count == 1 ? forms[0] : string.Join(", ", forms.Take(forms.Count - 1)) + " or " + forms[^1];
        Add(parameter, ValidationRule.SizeFormat, $"must be {joined} (was '{value.Value}')");
    }

    public void AspectRatio(string parameter, AspectRatio? ratio)
    {
        if (ratio is Lumenfall.Sdk.AspectRatio value && !value.IsWellFormed)
        {
            Add(parameter, ValidationRule.AspectRatioFormat, $"must be W:H with two positive integers, e.g. 16:9 (was '{value.Value}')");
        }
    }

    public void MediaType(string parameter, ImageInput? input, IReadOnlyList<string> allowed)
    {
        if (input?.KnownMediaType is string mediaType && !allowed.Contains(mediaType, StringComparer.Ordinal))
        {
            Add(parameter, ValidationRule.MediaType, $"must be {string.Join(", ", allowed)} (was {mediaType})");
        }
    }

    public void MediaTypes(string parameter, IEnumerable<ImageInput?>? inputs, IReadOnlyList<string> allowed)
    {
        if (inputs is null)
        {
            return;
        }

        int index = 0;
        foreach (ImageInput? input in inputs)
        {
            MediaType($"{parameter}[{index}]", input, allowed);
            index++;
        }
    }

    public void UrlOnly(string parameter, ImageInput? input)
    {
        if (input is { Kind: not ImageInputKind.Url })
        {
            Add(parameter, ValidationRule.UrlRequired,
                $"must be an http(s) URL: this service only reads images from URLs, and the SDK does not upload local images to a third party for it (was {input.Kind})");
        }
        else if (input is { IsDataUri: true })
        {
            Add(parameter, ValidationRule.UrlRequired, "must be an http(s) URL: this service does not read data: URIs");
        }
    }

    /// <summary>A value sent as an HTTP header must be printable ASCII: no CR, LF or other control characters (no header injection).</summary>
    public void HeaderValue(string parameter, string? value)
    {
        if (value is not null && value.Any(c => c is < ' ' or > '~'))
        {
            Add(parameter, ValidationRule.HeaderValue, "must be printable ASCII without CR, LF or other control characters (it is sent as an HTTP header)");
        }
    }

    /// <summary>Every number inside an additional JSON value must be finite.</summary>
    public void FiniteJson(string parameter, System.Text.Json.Nodes.JsonNode? node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonValue value when value.TryGetValue(out double d) && !double.IsFinite(d):
                Add(parameter, ValidationRule.Finite, $"must be a finite number (was {Format(d)})");
                break;
            case System.Text.Json.Nodes.JsonValue value when value.TryGetValue(out float f) && !float.IsFinite(f):
                Add(parameter, ValidationRule.Finite, $"must be a finite number (was {Format(f)})");
                break;
            case System.Text.Json.Nodes.JsonObject obj:
                foreach (KeyValuePair<string, System.Text.Json.Nodes.JsonNode?> pair in obj)
                {
                    FiniteJson($"{parameter}.{pair.Key}", pair.Value);
                }

                break;
            case System.Text.Json.Nodes.JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    FiniteJson($"{parameter}[{i}]", array[i]);
                }

                break;
        }
    }

    public void UrlsOnly(string parameter, IEnumerable<ImageInput?>? inputs)
    {
        if (inputs is null)
        {
            return;
        }

        int index = 0;
        foreach (ImageInput? input in inputs)
        {
            UrlOnly($"{parameter}[{index}]", input);
            index++;
        }
    }

    private void CheckPixels(string parameter, string text, int width, int height, ImageSizeRules rules)
    {
        int shortSide = Math.Min(width, height);
        int longSide = Math.Max(width, height);
        if (shortSide < rules.MinSide || (rules.MaxSide is int maxSide && longSide > maxSide))
        {
            string upper = rules.MaxSide is int max ? $" and {max}" : string.Empty;
            Add(parameter, ValidationRule.SizeRange, $"each side must be between {rules.MinSide}{upper} pixels (was {text})");
        }
        else if ((rules.MaxLongSide is int maxLong && longSide > maxLong) || (rules.MaxShortSide is int maxShort && shortSide > maxShort))
        {
            Add(parameter, ValidationRule.SizeRange,
                $"must fit within {rules.MaxLongSide}x{rules.MaxShortSide} in either orientation (was {text})");
        }
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

namespace Lumenfall.Sdk;

/// <summary>Names of the rules the SDK checks before sending a request.</summary>
public static class ValidationRule
{
    /// <summary>A required parameter is missing or empty.</summary>
    public const string Required = "required";

    /// <summary>A number is below the minimum.</summary>
    public const string Minimum = "minimum";

    /// <summary>A number is above the maximum.</summary>
    public const string Maximum = "maximum";

    /// <summary>A value is not one of the allowed values of a closed set.</summary>
    public const string AllowedValues = "allowed-values";

    /// <summary>A list has fewer items than required.</summary>
    public const string MinItems = "min-items";

    /// <summary>A list has more items than allowed, for example too many input images.</summary>
    public const string MaxItems = "max-items";

    /// <summary>A size is not written as the model accepts it (<c>WxH</c>, <c>W:H</c>, <c>auto</c> or a preset).</summary>
    public const string SizeFormat = "size-format";

    /// <summary>A size in pixels is outside the model's limits.</summary>
    public const string SizeRange = "size-range";

    /// <summary>An aspect ratio is not written as <c>W:H</c>.</summary>
    public const string AspectRatioFormat = "aspect-ratio-format";

    /// <summary>An input image has a media type the parameter does not accept.</summary>
    public const string MediaType = "media-type";

    /// <summary>An input image must be a URL for this service.</summary>
    public const string UrlRequired = "url-required";

    /// <summary>An <c>AdditionalProperties</c> key repeats a typed parameter (allowed from <see cref="ValidationLevel.Lenient"/> on: the additional value is sent).</summary>
    public const string DuplicateParameter = "duplicate-parameter";

    /// <summary>A model or app id is not one the service's URLs or bodies can carry.</summary>
    public const string ModelId = "model-id";

    /// <summary>A list holds a null where an item belongs.</summary>
    public const string NullItem = "null-item";

    /// <summary>An <c>AdditionalProperties</c> key names something the SDK fills in itself: <c>model</c> or an image parameter.</summary>
    public const string ReservedParameter = "reserved-parameter";

    /// <summary>A number is NaN or infinite, which no service accepts and JSON cannot carry.</summary>
    public const string Finite = "finite";

    /// <summary>A value sent as an HTTP header holds CR, LF or another control character.</summary>
    public const string HeaderValue = "header-value";

    /// <summary>A value set by wire name (<see cref="ImageRequest.SetParameter"/>) does not convert to the parameter's type.</summary>
    public const string ParameterType = "parameter-type";

    /// <summary>
    /// An <see cref="ImageRequest.AdditionalProperties"/> entry names a file part of the service's multipart protocol
    /// (for example <c>mask</c> on an edit) that the model does not take: it would go as a text field, not a file.
    /// </summary>
    public const string FileField = "file-field";
}

//! Date and time data of the cultures `formatDateTime` and `parseDateTime` accept: names,
//! designators, separators and the patterns behind the standard format specifiers. Values follow
//! the Windows (NLS) data of the .NET Framework the cloud runtime runs on.

pub struct Culture {
    pub name: &'static str,
    pub months: [&'static str; 12],
    pub months_abbreviated: [&'static str; 12],
    /// Sunday first, as .NET's `DayOfWeek`.
    pub days: [&'static str; 7],
    pub days_abbreviated: [&'static str; 7],
    pub am: &'static str,
    pub pm: &'static str,
    pub era: &'static str,
    pub date_separator: &'static str,
    pub time_separator: &'static str,
    /// `d`
    pub short_date: &'static str,
    /// `D`
    pub long_date: &'static str,
    /// `t`
    pub short_time: &'static str,
    /// `T`
    pub long_time: &'static str,
    /// `M`
    pub month_day: &'static str,
    /// `Y`
    pub year_month: &'static str,
    /// Words long dates put between the parts ("20 de octubre de 2020"), skipped when parsing.
    pub filler_words: &'static [&'static str],
}

/// The order of day, month and year in numeric dates, read from the short date pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    MonthDayYear,
    DayMonthYear,
    YearMonthDay,
}

impl Culture {
    pub fn date_order(&self) -> DateOrder {
        let first = self.short_date.chars().find(|c| matches!(c, 'y' | 'M' | 'd'));
        match first {
            Some('d') => DateOrder::DayMonthYear,
            Some('y') => DateOrder::YearMonthDay,
            _ => DateOrder::MonthDayYear,
        }
    }
}

const ENGLISH_MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const ENGLISH_MONTHS_ABBREVIATED: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ENGLISH_DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const ENGLISH_DAYS_ABBREVIATED: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const fn english(
    name: &'static str,
    date_separator: &'static str,
    short_date: &'static str,
    long_date: &'static str,
    short_time: &'static str,
    long_time: &'static str,
    month_day: &'static str,
    year_month: &'static str,
) -> Culture {
    Culture {
        name,
        months: ENGLISH_MONTHS,
        months_abbreviated: ENGLISH_MONTHS_ABBREVIATED,
        days: ENGLISH_DAYS,
        days_abbreviated: ENGLISH_DAYS_ABBREVIATED,
        am: "AM",
        pm: "PM",
        era: "A.D.",
        date_separator,
        time_separator: ":",
        short_date,
        long_date,
        short_time,
        long_time,
        month_day,
        year_month,
        filler_words: &[],
    }
}

/// `CultureInfo.InvariantCulture`: the `o`, `r`, `s` and `u` formats and default parsing use it.
pub static INVARIANT: Culture =
    english("", "/", "MM/dd/yyyy", "dddd, dd MMMM yyyy", "HH:mm", "HH:mm:ss", "MMMM dd", "yyyy MMMM");
/// The runtime's default locale.
pub static EN_US: Culture = english("en-US", "/", "M/d/yyyy", "dddd, MMMM d, yyyy", "h:mm tt", "h:mm:ss tt", "MMMM d", "MMMM yyyy");
static EN_GB: Culture = english("en-GB", "/", "dd/MM/yyyy", "dd MMMM yyyy", "HH:mm", "HH:mm:ss", "dd MMMM", "MMMM yyyy");
static EN_AU: Culture = english("en-AU", "/", "d/MM/yyyy", "dddd, d MMMM yyyy", "h:mm tt", "h:mm:ss tt", "d MMMM", "MMMM yyyy");
static EN_IN: Culture = english("en-IN", "-", "dd-MM-yyyy", "dd MMMM yyyy", "HH:mm", "HH:mm:ss", "dd MMMM", "MMMM, yyyy");

const FRENCH_MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const FRENCH_MONTHS_ABBREVIATED: [&str; 12] =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
const FRENCH_DAYS: [&str; 7] = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
const FRENCH_DAYS_ABBREVIATED: [&str; 7] = ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."];

static FR_FR: Culture = Culture {
    name: "fr-FR",
    months: FRENCH_MONTHS,
    months_abbreviated: FRENCH_MONTHS_ABBREVIATED,
    days: FRENCH_DAYS,
    days_abbreviated: FRENCH_DAYS_ABBREVIATED,
    am: "",
    pm: "",
    era: "ap. J.-C.",
    date_separator: "/",
    time_separator: ":",
    short_date: "dd/MM/yyyy",
    long_date: "dddd d MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "d MMMM",
    year_month: "MMMM yyyy",
    filler_words: &[],
};
static FR_CH: Culture = Culture {
    name: "fr-CH",
    date_separator: ".",
    short_date: "dd.MM.yyyy",
    long_date: "dddd, d MMMM yyyy",
    ..FR_FR
};

const GERMAN_MONTHS: [&str; 12] =
    ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];
const GERMAN_MONTHS_ABBREVIATED: [&str; 12] = ["Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"];

static DE_DE: Culture = Culture {
    name: "de-DE",
    months: GERMAN_MONTHS,
    months_abbreviated: GERMAN_MONTHS_ABBREVIATED,
    days: ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
    days_abbreviated: ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
    am: "",
    pm: "",
    era: "n. Chr.",
    date_separator: ".",
    time_separator: ":",
    short_date: "dd.MM.yyyy",
    long_date: "dddd, d. MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "d. MMMM",
    year_month: "MMMM yyyy",
    filler_words: &[],
};
static DE_AT: Culture = Culture {
    name: "de-AT",
    months: ["Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    months_abbreviated: ["Jän", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
    ..DE_DE
};
static DE_CH: Culture = Culture { name: "de-CH", ..DE_DE };

static ES_ES: Culture = Culture {
    name: "es-ES",
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    months_abbreviated: ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sep.", "oct.", "nov.", "dic."],
    days: ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
    days_abbreviated: ["do.", "lu.", "ma.", "mi.", "ju.", "vi.", "sá."],
    am: "a. m.",
    pm: "p. m.",
    era: "d. C.",
    date_separator: "/",
    time_separator: ":",
    short_date: "dd/MM/yyyy",
    long_date: "dddd, d' de 'MMMM' de 'yyyy",
    short_time: "H:mm",
    long_time: "H:mm:ss",
    month_day: "d' de 'MMMM",
    year_month: "MMMM' de 'yyyy",
    filler_words: &["de", "del"],
};

static IT_IT: Culture = Culture {
    name: "it-IT",
    months: [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    months_abbreviated: ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"],
    days: ["domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"],
    days_abbreviated: ["dom", "lun", "mar", "mer", "gio", "ven", "sab"],
    am: "",
    pm: "",
    era: "d.C.",
    date_separator: "/",
    time_separator: ":",
    short_date: "dd/MM/yyyy",
    long_date: "dddd d MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "d MMMM",
    year_month: "MMMM yyyy",
    filler_words: &[],
};

static PT_BR: Culture = Culture {
    name: "pt-BR",
    months: [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    months_abbreviated: ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"],
    days: ["domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"],
    days_abbreviated: ["dom", "seg", "ter", "qua", "qui", "sex", "sáb"],
    am: "",
    pm: "",
    era: "d.C.",
    date_separator: "/",
    time_separator: ":",
    short_date: "dd/MM/yyyy",
    long_date: "dddd, d' de 'MMMM' de 'yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "d' de 'MMMM",
    year_month: "MMMM' de 'yyyy",
    filler_words: &["de"],
};

static NL_NL: Culture = Culture {
    name: "nl-NL",
    months: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    months_abbreviated: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    days_abbreviated: ["zo", "ma", "di", "wo", "do", "vr", "za"],
    am: "",
    pm: "",
    era: "n.Chr.",
    date_separator: "-",
    time_separator: ":",
    short_date: "d-M-yyyy",
    long_date: "dddd d MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "d MMMM",
    year_month: "MMMM yyyy",
    filler_words: &[],
};
static NL_BE: Culture = Culture {
    name: "nl-BE",
    date_separator: "/",
    short_date: "d/MM/yyyy",
    short_time: "H:mm",
    long_time: "H:mm:ss",
    ..NL_NL
};

static SV_SE: Culture = Culture {
    name: "sv-SE",
    months: [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    months_abbreviated: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    days: ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
    days_abbreviated: ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
    am: "",
    pm: "",
    era: "e.Kr.",
    date_separator: "-",
    time_separator: ":",
    short_date: "yyyy-MM-dd",
    long_date: "'den 'd MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "'den 'd MMMM",
    year_month: "MMMM yyyy",
    filler_words: &["den"],
};

static DA_DK: Culture = Culture {
    name: "da-DK",
    months: [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ],
    months_abbreviated: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    days_abbreviated: ["sø", "ma", "ti", "on", "to", "fr", "lø"],
    am: "",
    pm: "",
    era: "e.Kr.",
    date_separator: "-",
    time_separator: ":",
    short_date: "dd-MM-yyyy",
    long_date: "d. MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "d. MMMM",
    year_month: "MMMM yyyy",
    filler_words: &[],
};

static NB_NO: Culture = Culture {
    name: "nb-NO",
    months: [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    months_abbreviated: ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"],
    date_separator: ".",
    short_date: "dd.MM.yyyy",
    ..DA_DK
};

static JA_JP: Culture = Culture {
    name: "ja-JP",
    months: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
    months_abbreviated: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],
    days: ["日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"],
    days_abbreviated: ["日", "月", "火", "水", "木", "金", "土"],
    am: "午前",
    pm: "午後",
    era: "西暦",
    date_separator: "/",
    time_separator: ":",
    short_date: "yyyy/MM/dd",
    long_date: "yyyy'年'M'月'd'日'",
    short_time: "H:mm",
    long_time: "H:mm:ss",
    month_day: "M'月'd'日'",
    year_month: "yyyy'年'M'月'",
    filler_words: &["年", "月", "日"],
};

static ALL: &[&Culture] = &[
    &INVARIANT, &EN_US, &EN_GB, &EN_AU, &EN_IN, &FR_FR, &FR_CH, &DE_DE, &DE_AT, &DE_CH, &ES_ES, &IT_IT, &PT_BR, &NL_NL,
    &NL_BE, &SV_SE, &DA_DK, &NB_NO, &JA_JP,
];

/// Neutral names resolve to the culture .NET picks for them.
const NEUTRAL: [(&str, &str); 12] = [
    ("en", "en-US"),
    ("fr", "fr-FR"),
    ("de", "de-DE"),
    ("es", "es-ES"),
    ("it", "it-IT"),
    ("pt", "pt-BR"),
    ("nl", "nl-NL"),
    ("sv", "sv-SE"),
    ("da", "da-DK"),
    ("nb", "nb-NO"),
    ("no", "nb-NO"),
    ("ja", "ja-JP"),
];

/// A culture by its name, case-insensitively (`fr-fr`, `FR-FR`, `fr`); `""` is the invariant
/// culture. `None` for names Flowbench has no data for.
pub fn lookup(name: &str) -> Option<&'static Culture> {
    let name = name.trim().replace('_', "-");
    let name = NEUTRAL.iter().find(|(neutral, _)| neutral.eq_ignore_ascii_case(&name)).map_or(name.as_str(), |(_, full)| full);
    ALL.iter().copied().find(|culture| culture.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_knows_neutral_names() {
        assert_eq!(lookup("fr-fr").map(|c| c.name), Some("fr-FR"));
        assert_eq!(lookup("EN-us").map(|c| c.name), Some("en-US"));
        assert_eq!(lookup("de").map(|c| c.name), Some("de-DE"));
        assert_eq!(lookup("").map(|c| c.name), Some(""));
        assert!(lookup("xx-YY").is_none());
    }

    #[test]
    fn date_orders() {
        assert_eq!(EN_US.date_order(), DateOrder::MonthDayYear);
        assert_eq!(FR_FR.date_order(), DateOrder::DayMonthYear);
        assert_eq!(JA_JP.date_order(), DateOrder::YearMonthDay);
    }
}

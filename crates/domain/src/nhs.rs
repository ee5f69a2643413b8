//! NHS numbers: ten digits, the last a modulus-11 check digit.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A valid NHS number, stored as its ten digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

/// Why a string is not an NHS number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    /// Not ten digits once spaces and hyphens are removed.
    #[error("NHS number must be 10 digits, like 943 476 5919")]
    Format,
    /// The tenth digit does not match the other nine.
    #[error("NHS number is not valid: check the digits (the last digit is a check digit)")]
    CheckDigit,
}

impl NhsNumber {
    /// Parses `input`, allowing spaces and hyphens between digits ("943 476 5919").
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NhsNumberError::Format);
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let expected = check_digit(&d[..9]).ok_or(NhsNumberError::CheckDigit)?;
        if d[9] != expected {
            return Err(NhsNumberError::CheckDigit);
        }
        Ok(Self(digits))
    }

    /// Builds a valid NHS number from its first nine digits, or `None` when no check digit
    /// exists for them (the modulus gives 10). Used by the synthetic data generator.
    pub fn from_first_nine(nine: u32) -> Option<Self> {
        if nine > 999_999_999 {
            return None;
        }
        let s = format!("{nine:09}");
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        let c = check_digit(&d)?;
        Some(Self(format!("{s}{c}")))
    }

    /// The ten digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Formatted for people: `943 476 5919`.
    pub fn display_spaced(&self) -> String {
        format!("{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// Modulus 11: weights 10 down to 2; 11 minus the remainder; 11 becomes 0; 10 is invalid.
fn check_digit(nine: &[u32]) -> Option<u32> {
    let sum: u32 = nine.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = NhsNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> Self {
        n.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_a_known_valid_number_with_spaces() {
        let n = NhsNumber::parse("943 476 5919").unwrap();
        assert_eq!(n.as_str(), "9434765919");
        assert_eq!(n.display_spaced(), "943 476 5919");
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        assert_eq!(NhsNumber::parse("9434765918"), Err(NhsNumberError::CheckDigit));
    }

    #[test]
    fn refuses_wrong_length_and_letters() {
        assert_eq!(NhsNumber::parse("943476591"), Err(NhsNumberError::Format));
        assert_eq!(NhsNumber::parse("94347659190"), Err(NhsNumberError::Format));
        assert_eq!(NhsNumber::parse("94347659A9"), Err(NhsNumberError::Format));
    }

    #[test]
    fn refuses_numbers_whose_check_would_be_ten() {
        assert_eq!(NhsNumber::from_first_nine(943_476_591).unwrap().as_str(), "9434765919");
        // 123456789: sum = 10+18+24+28+30+30+28+24+18 = 210; 210 % 11 = 1; 11 - 1 = 10: no check digit
        assert!(NhsNumber::from_first_nine(123_456_789).is_none());
        // find a prefix whose check is 10 and confirm none can be built
        let bad = (0..1000u32).map(|i| 999_000_000 + i).find(|n| {
            let d: Vec<u32> = format!("{n:09}").bytes().map(|b| u32::from(b - b'0')).collect();
            check_digit(&d).is_none()
        });
        assert!(NhsNumber::from_first_nine(bad.unwrap()).is_none());
    }

    proptest! {
        #[test]
        fn generated_numbers_parse_and_any_single_digit_change_is_caught(nine in 0u32..=999_999_999, pos in 0usize..10, delta in 1u32..10) {
            if let Some(n) = NhsNumber::from_first_nine(nine) {
                prop_assert_eq!(NhsNumber::parse(n.as_str()).unwrap(), n.clone());
                let mut digits: Vec<u32> = n.as_str().bytes().map(|b| u32::from(b - b'0')).collect();
                digits[pos] = (digits[pos] + delta) % 10;
                let changed: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
                prop_assert!(NhsNumber::parse(&changed).is_err());
            }
        }
    }
}

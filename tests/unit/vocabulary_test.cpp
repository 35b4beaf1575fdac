// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/vocabulary.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace mnscreen;

template <class E>
void check_round_trip(std::size_t expected_count) {
  std::set<std::string> seen;
  for (E e : all_codes<E>()) {
    const auto word = to_string(e);
    INFO(word);
    CHECK(parse_code<E>(word) == e);
    CHECK(seen.insert(std::string(word)).second);  // words are unique
  }
  CHECK(all_codes<E>().size() == expected_count);
  CHECK_FALSE(parse_code<E>("not_a_word"));
  CHECK_FALSE(parse_code<E>(""));
}

TEST_CASE("vocabulary: every enum round-trips through its words", "[vocabulary]") {
  check_round_trip<area>(20);
  check_round_trip<complication>(7);
  check_round_trip<condition_code>(30);
  check_round_trip<medication_code>(75);
  check_round_trip<medication_class>(19);
  check_round_trip<allergy_substance>(23);
  check_round_trip<allergy_class>(10);
  check_round_trip<device_code>(8);
  check_round_trip<procedure_code>(16);
  check_round_trip<device_type>(6);
  check_round_trip<anesthetic>(10);
  check_round_trip<needle_material>(6);
  check_round_trip<adjunct>(8);
  check_round_trip<effect>(5);
  check_round_trip<decision>(6);
  check_round_trip<question>(18);
}

TEST_CASE("vocabulary: words are case-sensitive snake_case", "[vocabulary]") {
  CHECK_FALSE(parse_code<area>("Cheeks"));
  CHECK_FALSE(parse_code<area>(" cheeks"));
}

TEST_CASE("vocabulary: face and body group words", "[vocabulary]") {
  const auto face = parse_area_group("face");
  REQUIRE(face);
  CHECK(face->to_vector().size() == 8);
  CHECK(face->contains(area::jawline));
  CHECK_FALSE(face->contains(area::eyelids));
  CHECK_FALSE(face->contains(area::scalp));
  const auto body = parse_area_group("body");
  REQUIRE(body);
  CHECK(body->to_vector().size() == 10);
  CHECK(body->contains(area::neck));
  CHECK_FALSE(body->contains(area::scalp));
  CHECK_FALSE(body->overlaps(*face));
  CHECK(parse_area_group("scalp") == area_set{area::scalp});
  CHECK_FALSE(parse_area_group("torso"));
}

TEST_CASE("vocabulary: medication classes", "[vocabulary]") {
  CHECK(classes_of(medication_code::warfarin) ==
        medication_class_set{medication_class::anticoagulant_vka});
  CHECK(classes_of(medication_code::doxycycline) ==
        medication_class_set{medication_class::acne_antibiotic, medication_class::photosensitiser});
  CHECK(classes_of(medication_code::tetracycline).contains(medication_class::photosensitiser));
  CHECK_FALSE(classes_of(medication_code::minocycline).contains(medication_class::photosensitiser));
  CHECK(classes_of(medication_code::aspirin) == medication_class_set{medication_class::aspirin});
  CHECK(classes_of(medication_code::biologic).contains(medication_class::immunosuppressant));
  // Every class word maps to its own class.
  for (auto c : all_codes<medication_class>()) {
    const auto m = parse_code<medication_code>(to_string(c));
    REQUIRE(m);
    CHECK(classes_of(*m).contains(c));
  }
  // Every medication word has at least one class.
  for (auto m : all_codes<medication_code>()) CHECK_FALSE(classes_of(m).empty());
}

TEST_CASE("vocabulary: allergy classes and anaesthetics", "[vocabulary]") {
  CHECK(classes_of(allergy_substance::nickel) == allergy_class_set{allergy_class::metal_in_steel});
  CHECK(classes_of(anesthetic::lidocaine_prilocaine) ==
        allergy_class_set{allergy_class::amide_anesthetic});
  CHECK(classes_of(anesthetic::benzocaine_lidocaine_tetracaine) ==
        allergy_class_set{allergy_class::amide_anesthetic, allergy_class::ester_anesthetic});
  CHECK(classes_of(anesthetic::none).empty());
  CHECK(is_local_anesthetic(allergy_substance::procaine));
  CHECK(is_local_anesthetic(allergy_substance::amide_anesthetic));
  CHECK_FALSE(is_local_anesthetic(allergy_substance::latex));
  for (auto a : all_codes<allergy_class>()) {
    const auto s = parse_code<allergy_substance>(to_string(a));
    REQUIRE(s);
    CHECK(classes_of(*s).contains(a));
  }
}

TEST_CASE("vocabulary: negatives words", "[vocabulary]") {
  CHECK(parse_negative("keloid") == negative{question::keloid});  // question word first
  CHECK(parse_negative("hypertrophic_scarring") == negative{condition_code::hypertrophic_scarring});
  CHECK(parse_negative("anticoagulant_doac") == negative{medication_class::anticoagulant_doac});
  CHECK(parse_negative("latex") == negative{allergy_class::latex});
  CHECK(parse_negative("pacemaker") == negative{device_code::pacemaker});
  CHECK_FALSE(parse_negative("warfarin"));  // ingredients are not negatives words
  CHECK(to_string(negative{device_code::icd}) == "icd");
}

// Learn mode's built-in curriculum: lessons on trading concepts, each a few steps
// of explanation and exercises whose answers are checked here (multiple choice, or
// a number within a tolerance), with the user's progress stored by the
// conversation store.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::ai {

struct Exercise {
  std::string id;  // unique across the curriculum, e.g. "rsi-1"
  std::string question;
  std::vector<std::string> choices;  // empty: a numeric answer
  std::string answer;                // the right choice's letter ("b"), or the number
  double tolerance = 0;              // numeric answers
  std::string explanation;
};

struct Lesson {
  std::string id;
  std::string title;
  std::vector<std::string> keywords;  // words that pick this lesson from a question
  std::vector<std::string> steps;
  std::vector<Exercise> exercises;
};

const std::vector<Lesson>& curriculum();
const Lesson* find_lesson(std::string_view id);
// The lesson and exercise an exercise id belongs to.
std::optional<std::pair<const Lesson*, const Exercise*>> find_exercise(std::string_view exercise_id);
// The lesson whose keywords the text mentions (first match), else nullptr.
const Lesson* lesson_for(std::string_view text);

struct Checked {
  bool correct = false;
  std::string expected;  // the right answer as shown
  std::string explanation;
};
// `given` is a letter / the choice's text, or a number ("2.5", "2.5%").
Checked check_answer(const Exercise& e, std::string_view given);

boost::json::object lesson_json(const Lesson& l, bool with_steps);

}  // namespace tc::ai

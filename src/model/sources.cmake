# Sources of src/model, in two areas (see src/CMakeLists.txt).
# risk: the features, the priors, scoring and the model file.
set(MNSCREEN_RISK_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/features.cpp
  ${CMAKE_CURRENT_LIST_DIR}/prior.cpp
  ${CMAKE_CURRENT_LIST_DIR}/risk_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/model_file.cpp)
# fit: outcomes, fitting, evaluation, the fit report and simulated cohorts.
set(MNSCREEN_FIT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/outcomes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/evaluate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fit_report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/simulate.cpp)

"""The backpropagation maths in the lecture's notation. numpy and stdlib only: no Qt."""
from .activations import ACTIVATIONS, sigmoid, sigmoid_gradient
from .gradcheck import (COURSE_CHECK_LAMBDAS, CourseCheck, course_check, course_check_report,
                        course_debug_problem, gradient_check, numerical_derivative,
                        numerical_gradients, relative_difference)
from .network import BackpropResult, ForwardPass, Network, one_hot
from .optimizers import (OPTIMIZERS, ConjugateGradient, GradientDescent, MiniBatchGradientDescent,
                         Momentum, Optimizer, StepReport, make_optimizer)
from .params import (debug_initialize_weights, default_epsilon, parameter_count,
                     rand_initialize_weights, reshape_params, theta_shapes, unroll)

__all__ = [
    "COURSE_CHECK_LAMBDAS", "CourseCheck", "course_check", "course_check_report",
    "course_debug_problem", "ACTIVATIONS", "OPTIMIZERS", "BackpropResult", "ConjugateGradient", "ForwardPass",
    "GradientDescent", "MiniBatchGradientDescent", "Momentum", "Network", "Optimizer", "StepReport",
    "debug_initialize_weights", "default_epsilon", "gradient_check", "make_optimizer",
    "numerical_derivative", "numerical_gradients", "one_hot", "parameter_count",
    "rand_initialize_weights", "relative_difference", "reshape_params", "sigmoid",
    "sigmoid_gradient", "theta_shapes", "unroll",
]
from .explain import (GradientEntry, HiddenDelta, OutputDelta, explain_delta, explain_gradient,
                      gradient_parts, saturated_fraction)

__all__ += ["GradientEntry", "HiddenDelta", "OutputDelta", "explain_delta", "explain_gradient",
            "gradient_parts", "saturated_fraction"]
